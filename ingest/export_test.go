package ingest

// SetMaxHeldRows lowers the number of repeated rows a first snapshot's direct copy holds back
// before it goes through staging, for a test; it returns the function that restores it.
func SetMaxHeldRows(n int) (restore func()) {
	old := maxHeldRows
	maxHeldRows = n
	return func() { maxHeldRows = old }
}
