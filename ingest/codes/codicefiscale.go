// Package codes holds the reference codes the sources use: codice fiscale check digits, ATECO
// 2007 sections and divisions, legal-form classes and the territory of Bologna.
package codes

import (
	"fmt"
	"strings"
)

// CFKind says which kind of codice fiscale a value is.
type CFKind int

// The two kinds of codice fiscale.
const (
	CFCompany  CFKind = iota // 11 digits (partita IVA style)
	CFPersonal               // 16 characters (individual firms)
)

// ValidateCF checks a codice fiscale: 11 digits with a valid check digit, or 16 characters
// (omocodia allowed) with a valid check character. It returns the normalised value.
func ValidateCF(raw string) (string, CFKind, error) {
	cf := strings.ToUpper(strings.TrimSpace(raw))
	switch len(cf) {
	case 0:
		return "", 0, fmt.Errorf("codice fiscale is empty")
	case 11:
		for i := 0; i < 11; i++ {
			if cf[i] < '0' || cf[i] > '9' {
				return "", 0, fmt.Errorf("codice fiscale %q: 11-character codes must be all digits", raw)
			}
		}
		if want := CompanyCheckDigit(cf[:10]); cf[10] != want {
			return "", 0, fmt.Errorf("codice fiscale %q: wrong check digit (expected %c)", raw, want)
		}
		return cf, CFCompany, nil
	case 16:
		if !personalPattern(cf) {
			return "", 0, fmt.Errorf("codice fiscale %q: not in the form AAAAAA00A00A000A", raw)
		}
		if want := PersonalCheckChar(cf[:15]); cf[15] != want {
			return "", 0, fmt.Errorf("codice fiscale %q: wrong check character (expected %c)", raw, want)
		}
		return cf, CFPersonal, nil
	default:
		return "", 0, fmt.Errorf("codice fiscale %q: must be 11 digits or 16 characters, has %d", raw, len(cf))
	}
}

// CompanyCheckDigit computes the 11th digit of a company codice fiscale from its first ten.
func CompanyCheckDigit(first10 string) byte {
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(first10[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// oddValues are the values of characters in odd (1-based) positions of a personal code.
var oddValues = [36]int{
	// 0-9
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
	// A-Z
	1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
}

func charIndex(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

// PersonalCheckChar computes the 16th character of a personal codice fiscale from its first 15.
func PersonalCheckChar(first15 string) byte {
	sum := 0
	for i := 0; i < 15; i++ {
		c := first15[i]
		if i%2 == 0 { // odd position, 1-based
			sum += oddValues[charIndex(c)]
		} else if c >= '0' && c <= '9' {
			sum += int(c - '0')
		} else {
			sum += int(c - 'A')
		}
	}
	return byte('A' + sum%26)
}

// personalPattern checks AAAAAA00A00A000A, where digits may be replaced by LMNPQRSTUV (omocodia).
func personalPattern(cf string) bool {
	const shape = "LLLLLLNNLNNLNNNL"
	for i := 0; i < 16; i++ {
		c := cf[i]
		isLetter := c >= 'A' && c <= 'Z'
		switch shape[i] {
		case 'L':
			if !isLetter {
				return false
			}
		case 'N':
			if !(c >= '0' && c <= '9') && !strings.ContainsRune("LMNPQRSTUV", rune(c)) {
				return false
			}
		}
	}
	return true
}
