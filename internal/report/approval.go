package report

import "github.com/mcpdoctor/mcpdoctor/internal/config"

// clientStarts says whether the server's client starts it without asking.
func (a Approval) clientStarts() bool {
	return a.State == config.ApprovalNotNeeded || a.State == config.ApprovalApproved
}

// started says whether mcpdoctor may start or contact the server: its
// client would, or the user opted in.
func (a Approval) started() bool { return a.clientStarts() || a.OptIn != "" }

// label is the state in a few words, for a table cell.
func (a Approval) label() string {
	return config.Approval{State: a.State}.Label()
}

// approvalLines say, under the table and in the report, why mcpdoctor did
// not start an entry its client would not start, and how to approve it;
// or, when the user opted in, that the client would not have started it.
func approvalLines(a Approval, st Style) []string {
	switch {
	case a.clientStarts():
		return nil
	case a.OptIn != "":
		return []string{st.Warn("!") + " started because of " + a.OptIn + ", though its client would not (" + a.label() + "): " + a.Reason}
	}
	lines := []string{st.Warn("!") + " not started or contacted (" + a.label() + "): " + a.Reason}
	if a.Approve != "" {
		lines = append(lines, "  approve: "+a.Approve)
	}
	return append(lines, "  or, once you have read the entry, probe it anyway with --trust-project")
}

// shownProblems are the problems a person is shown beside the approval
// lines: a problem that only says the client does not load the entry's
// file says what those lines say.
func shownProblems(a Approval, ps []config.Problem) []config.Problem {
	if a.clientStarts() {
		return ps
	}
	var out []config.Problem
	for _, p := range ps {
		if p.Code != config.CodeNotLoaded {
			out = append(out, p)
		}
	}
	return out
}
