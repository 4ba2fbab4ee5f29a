package config

import (
	"path/filepath"
	"regexp"
	"strings"
)

// varSyntax is how one client writes references in one field, and what it
// does with an unset variable there. Each reader builds its own from its
// client's documentation; parseVars turns a string into a Value with it.
type varSyntax struct {
	// dollar: ${VAR} and ${VAR:-default} (Claude Code, Copilot CLI, Gemini
	// CLI).
	dollar bool
	// bare: $VAR (Gemini CLI, Copilot CLI).
	bare bool
	// colon: ${env:VAR}, ${input:id} and the editor's own variables
	// ${userHome}, ${workspaceFolder}, ${workspaceFolderBasename},
	// ${pathSeparator} and ${/} (VS Code, Cursor, Windsurf, Cline); an
	// unknown ${name} stays as written.
	colon bool
	// curly: {env:VAR} and {file:path} (opencode).
	curly bool
	// secrets: ${{ secrets.NAME }} and ${{ inputs.NAME }} (Continue),
	// looked up in dotEnv files, then the environment.
	secrets bool
	dotEnv  []string
	// jsonSecrets: ${NAME} is a Continue secret too, as in the env of a
	// JSON file in .continue/mcpServers, which Continue rewrites to
	// ${{ secrets.NAME }} (config-yaml: convertJsonEnvToYamlEnv).
	jsonSecrets bool

	// unset is what an unset variable becomes.
	unset Unset
	// withheld names variables the client never fills in here, and why.
	withheld map[string]string
	// home and workspace fill ${userHome} and ${workspaceFolder}; dir is
	// the config file's directory, for relative {file:} paths.
	home, workspace, dir string
	// extension is a Gemini CLI extension's folder: ${extensionPath}
	// (and ${CLAUDE_PLUGIN_ROOT}) is it, ${workspacePath} the workspace,
	// ${/} and ${pathSeparator} the separator, filled before any variable
	// (gemini-cli: recursivelyHydrateStrings).
	extension string
}

var (
	dollarRef  = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}`)
	bareRef    = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)
	colonRef   = regexp.MustCompile(`\$\{([A-Za-z]+)(?::([^}]*))?\}|\$\{/\}`)
	curlyRef   = regexp.MustCompile(`\{(env|file):([^}]+)\}`)
	secretsRef = regexp.MustCompile(`\$\{\{\s*(secrets|inputs)\.([^}\s]+)\s*\}\}`)
	// jsonSecretRef is Continue's own pattern for the rewrite.
	jsonSecretRef = regexp.MustCompile(`\$\{([^}]+)\}`)
	slashRef      = regexp.MustCompile(`\$\{/\}`)
)

// parseVars splits s into literal text and references.
func parseVars(s string, syn varSyntax) Value {
	v := Value{Written: s}
	var pats []*regexp.Regexp
	switch {
	case syn.secrets:
		pats = append(pats, secretsRef)
		if syn.jsonSecrets {
			pats = append(pats, jsonSecretRef)
		}
	case syn.curly:
		pats = append(pats, curlyRef)
	case syn.colon:
		pats = append(pats, colonRef)
	}
	if syn.extension != "" {
		pats = append(pats, slashRef)
	}
	if syn.dollar {
		pats = append(pats, dollarRef)
	}
	if syn.bare {
		pats = append(pats, bareRef)
	}
	rest := s
	for rest != "" {
		// The earliest match of any pattern comes next.
		start, end, which := -1, -1, -1
		var m []int
		for i, p := range pats {
			loc := p.FindStringSubmatchIndex(rest)
			if loc != nil && (start < 0 || loc[0] < start) {
				start, end, which, m = loc[0], loc[1], i, loc
			}
		}
		if start < 0 {
			v.Parts = append(v.Parts, Part{Text: rest})
			break
		}
		if start > 0 {
			v.Parts = append(v.Parts, Part{Text: rest[:start]})
		}
		written := rest[start:end]
		group := func(i int) (string, bool) {
			if m[2*i] < 0 {
				return "", false
			}
			return rest[m[2*i]:m[2*i+1]], true
		}
		v.Parts = append(v.Parts, syn.part(pats[which], written, group))
		rest = rest[end:]
	}
	return v.merged()
}

// part makes one reference, or the literal text an editor variable stands
// for.
func (syn varSyntax) part(p *regexp.Regexp, written string, group func(int) (string, bool)) Part {
	env := func(name string, def *string) Part {
		r := &Ref{Kind: RefEnv, Name: name, Default: def, Written: written, Unset: syn.unset}
		if why, ok := syn.withheld[name]; ok {
			r.Withheld = why
		}
		return Part{Ref: r}
	}
	switch p {
	case slashRef:
		return Part{Text: string(filepath.Separator)}
	case dollarRef:
		name, _ := group(1)
		if text, ok := syn.extensionVar(name); ok {
			return Part{Text: text}
		}
		if def, ok := group(2); ok {
			// ${VAR:-default}: the default stands in for an unset or an
			// empty variable, as in the shell.
			part := env(name, &def)
			part.Ref.EmptyIsUnset = true
			return part
		}
		return env(name, nil)
	case bareRef:
		name, _ := group(1)
		return env(name, nil)
	case secretsRef, jsonSecretRef:
		name, _ := group(1)
		if p == secretsRef {
			name, _ = group(2)
		}
		return Part{Ref: &Ref{Kind: RefSecret, Name: name, Written: written, Unset: syn.unset, DotEnv: syn.dotEnv}}
	case curlyRef:
		kind, _ := group(1)
		arg, _ := group(2)
		if kind == "file" {
			path := arg
			if strings.HasPrefix(path, "~/") && syn.home != "" {
				path = filepath.Join(syn.home, path[2:])
			} else if !filepath.IsAbs(path) && syn.dir != "" {
				path = filepath.Join(syn.dir, path)
			}
			return Part{Ref: &Ref{Kind: RefFile, Name: path, Written: written, Unset: UnsetFail}}
		}
		return env(arg, nil)
	}
	// colonRef
	if written == "${/}" {
		return Part{Text: string(filepath.Separator)}
	}
	name, _ := group(1)
	arg, hasArg := group(2)
	switch {
	case name == "env" && hasArg:
		return env(arg, nil)
	case name == "input" && hasArg:
		return Part{Ref: &Ref{Kind: RefInput, Name: arg, Written: written, Unset: syn.unset}}
	case name == "userHome" && !hasArg && syn.home != "":
		return Part{Text: syn.home}
	case name == "workspaceFolder" && !hasArg && syn.workspace != "":
		return Part{Text: syn.workspace}
	case name == "workspaceFolderBasename" && !hasArg && syn.workspace != "":
		return Part{Text: filepath.Base(syn.workspace)}
	case name == "pathSeparator" && !hasArg:
		return Part{Text: string(filepath.Separator)}
	}
	// Unknown: the editor leaves it as written.
	return Part{Text: written}
}

// merged joins adjacent literal parts.
func (v Value) merged() Value {
	var parts []Part
	for _, p := range v.Parts {
		if n := len(parts); n > 0 && p.Ref == nil && parts[n-1].Ref == nil {
			parts[n-1].Text += p.Text
			continue
		}
		parts = append(parts, p)
	}
	v.Parts = parts
	return v
}

// extensionVar is what a Gemini CLI extension's own ${name} stands for.
func (syn varSyntax) extensionVar(name string) (string, bool) {
	if syn.extension == "" {
		return "", false
	}
	switch name {
	case "extensionPath", "CLAUDE_PLUGIN_ROOT":
		return syn.extension, true
	case "workspacePath":
		return syn.workspace, syn.workspace != ""
	case "pathSeparator":
		return string(filepath.Separator), true
	}
	return "", false
}
