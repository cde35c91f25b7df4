package demo

// Call is one grant call of the demo data set: its id, title and year as the contributi file
// writes them.
type Call struct {
	ID, Title string
	Year      int
}

// Calls lists the demo data set's grant calls, in the order they are generated (by date).
// Tests that read questions without a database give them to the planner, as the assistant
// gives it the calls of the loaded data.
func Calls() []Call {
	var out []Call
	for _, b := range (&generator{}).bandi() { // the calls' rules are closures, not run here
		out = append(out, Call{ID: b.id, Title: b.titolo, Year: b.anno})
	}
	return out
}
