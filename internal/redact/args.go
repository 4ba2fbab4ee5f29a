package redact

import "strings"

// Args redacts a command line, by what each argument is: the value after a
// flag named like a credential ("--api-key X", "--token=X", "API_KEY=X"),
// and any argument that looks like a key, is masked; the rest are fields,
// masked only where they hold a credential (Field): "--mode stdio" stays
// whole whatever else the run learned.
func (r *Redactor) Args(args []string) []string {
	if args == nil {
		return nil
	}
	secret := argSecretIndexes(args)
	out := make([]string, len(args))
	for i, a := range args {
		switch name, _, ok := strings.Cut(a, "="); {
		case secret[i]:
			out[i] = Mask
		case ok && isCredentialName(name):
			out[i] = name + "=" + Mask
		default:
			out[i] = r.Field(a)
		}
	}
	return out
}

// ArgSecrets lists the values Args masks, so that they are masked wherever
// else they turn up (a server that logs its own command line).
func ArgSecrets(args []string) []string {
	var out []string
	secret := argSecretIndexes(args)
	for i, a := range args {
		if secret[i] {
			out = append(out, a)
		} else if name, value, ok := strings.Cut(a, "="); ok && isCredentialName(name) {
			out = append(out, value)
		}
	}
	return out
}

// argSecretIndexes marks the arguments that are secrets whole: the one
// after a bare credential flag, and those that look like keys.
func argSecretIndexes(args []string) map[int]bool {
	secret := map[int]bool{}
	for i, a := range args {
		if LooksSecret(a) {
			secret[i] = true
		}
		if strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && isCredentialName(a) && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			secret[i+1] = true
		}
	}
	return secret
}

// isCredentialName says whether a flag ("--api-key") or variable name
// ("API_KEY") names a credential.
func isCredentialName(name string) bool {
	n := strings.TrimLeft(name, "-")
	if n == "" || strings.ContainsAny(n, " /\\") {
		return false
	}
	return IsSensitiveParam(n)
}
