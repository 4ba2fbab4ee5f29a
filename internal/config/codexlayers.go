package config

import "slices"

// Codex reads its config in layers (system, user, then each trusted
// project's .codex/config.toml, nearest last) and merges them into one
// document before it reads any server (codex-rs config_loader,
// merge_toml_values): a table in a higher layer is merged into the same
// table below it key by key, and any other value replaces the one below.
// So a project's
//
//	[mcp_servers.docs]
//	enabled = false
//
// turns off the user's docs server there, command and all, rather than
// configuring a second server with no command. codexLayers does the same
// with the files LoadClient read, so that each name is one entry, read as
// Codex reads it, with every problem placed in the file its key is in.

// codexLayer is what a Codex file's servers were read from.
type codexLayer struct {
	// tables are its [mcp_servers.NAME] tables as decoded; pos is where
	// each key is written.
	tables map[string]any
	pos    keyPositions
	// ignored: Codex does not load the file (an untrusted project).
	ignored bool
}

// codexLayers merges the servers of Codex's layers as Codex does. files
// are in precedence order, highest first, as Places lists them. A server
// a higher layer also configures is read again from the merged table and
// stands in that layer; the lower entries keep their place in the list,
// without problems of their own (the merged entry has those still true),
// and markShadowed says where they went.
func codexLayers(files []*File) {
	type below struct {
		table  any
		layers []placedLayer
		// entry is the server as the layer below last read it.
		entry *Server
		file  *File
	}
	merged := map[string]below{}
	for _, f := range slices.Backward(files) {
		l := f.codex
		if l == nil || l.ignored {
			continue
		}
		for i := range f.Servers {
			s := &f.Servers[i]
			table, ok := l.tables[s.Name]
			if !ok {
				continue
			}
			layer := placedLayer{path: f.Path, pos: l.pos}
			under, found := merged[s.Name]
			if !found {
				merged[s.Name] = below{table: table, layers: []placedLayer{layer}, entry: s, file: f}
				continue
			}
			table = mergeTOML(under.table, table)
			p := parser{file: f, pos: l.pos, scope: f.Scope, lower: under.layers}
			old := s.Problems
			*s = p.server(s.Name, table)
			SortProblems(s.Problems)
			f.Problems = append(withoutProblems(f.Problems, old), s.Problems...)
			under.file.Problems = withoutProblems(under.file.Problems, under.entry.Problems)
			under.entry.Problems = nil
			merged[s.Name] = below{table: table, layers: append([]placedLayer{layer}, under.layers...), entry: s, file: f}
		}
	}
}

// mergeTOML merges overlay into base as Codex's merge_toml_values does,
// without changing either: tables key by key, anything else replaced.
func mergeTOML(base, overlay any) any {
	b, ok := base.(map[string]any)
	o, ok2 := overlay.(map[string]any)
	if !ok || !ok2 {
		return overlay
	}
	out := make(map[string]any, len(b)+len(o))
	for k, v := range b {
		out[k] = v
	}
	for k, v := range o {
		if under, ok := out[k]; ok {
			v = mergeTOML(under, v)
		}
		out[k] = v
	}
	return out
}

// withoutProblems returns problems less each of drop.
func withoutProblems(problems, drop []Problem) []Problem {
	return slices.DeleteFunc(problems, func(p Problem) bool { return slices.Contains(drop, p) })
}
