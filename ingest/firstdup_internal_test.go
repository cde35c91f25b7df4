package ingest

import (
	"fmt"
	"strings"
	"testing"
)

// The reader's set finds every repeated code with the line it first appeared on, across
// growths, in any case, and lets codes through that cannot be valid.
func TestCodeSetFindsRepeatsAcrossGrowths(t *testing.T) {
	s := newCodeSet(0) // 65,536 slots: 200,000 codes grow it twice
	code := func(i int) string { return fmt.Sprintf("%011d", i) }
	for i := 1; i <= 200_000; i++ {
		if first := s.add(code(i), i+1); first != 0 {
			t.Logf("code %d looks like the one on line %d (a shared tag)", i, first) // allowed, rare
		}
	}
	if s.bits != 19 {
		t.Errorf("%d bits after 200,000 codes", s.bits)
	}
	for _, i := range []int{1, 2, 77_777, 200_000} {
		if first := s.add(code(i), 300_000+i); first != uint32(i+1) {
			t.Errorf("code %d repeated: first line %d, want %d", i, first, i+1)
		}
	}
	cf := "RSSMRA80A01A944F"
	if s.add(cf, 400_000) != 0 || s.add(strings.ToLower(cf), 400_001) != 400_000 {
		t.Error("a code in lower case is not the same code")
	}
	if s.add("ıSSMRA80A01A944F", 400_002) != 0 || s.add("ISSMRA80A01A944F", 400_003) != 400_002 {
		t.Error("a code ToUpper turns into ASCII is not the same code")
	}
	if s.add("123", 1) != 0 || s.add("123", 2) != 0 {
		t.Error("a value that cannot be a code was recorded")
	}
}
