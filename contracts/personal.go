package contracts

// Free text from outside (a tx's memo, a meeting's topic, a proposal's
// title, an organization's name) is stored in the clear and shown to
// everyone, so it must not carry personal data. Two kinds are recognizable
// with almost no false alarms, and every stateless check of a free-text
// field refuses them: a mainland resident ID-card number (GB 11643-1999:
// 17 digits and an ISO 7064 MOD 11-2 check character, which may be X) and
// a mainland mobile number (11 digits, 1[3-9]...). A number counts as one
// whole run of digits, or as digit groups joined by single spaces or
// hyphens ("138 1234 5678", "138-1234-5678"); full-width digits count as
// digits. A run longer than the number (a 12-digit reference) is not one.
// The error never repeats the digits.

// ErrPersonalData is shared by every ledger that takes free text.
var ErrPersonalData = Register("privacy", 2, "free text holds personal data")

// Kinds of personal data FindPersonalData recognizes.
const (
	IDCardNumber = "a mainland ID-card number"
	MobileNumber = "a mainland mobile number"
)

// CheckFreeText refuses s, the free-text field named field, if it holds
// personal data. The error says what was found, not the digits.
func CheckFreeText(field, s string) error {
	if what := FindPersonalData(s); what != "" {
		return ErrPersonalData.Wrapf("%s holds what looks like %s; the chain stores free text in the clear for everyone to read, "+
			"so leave it out (personal fields belong in the identity commitment)", field, what)
	}
	return nil
}

// FindPersonalData returns which kind of personal data s holds
// (IDCardNumber or MobileNumber), or "" if none.
func FindPersonalData(s string) string {
	rs := []rune(s)
	for i := range rs {
		rs[i] = asciiDigit(rs[i])
	}
	// Each start of a digit run begins the chains of groups that follow it.
	for i := 0; i < len(rs); i++ {
		if !isDigit(rs[i]) || i > 0 && isDigit(rs[i-1]) {
			continue
		}
		plus := i > 0 && rs[i-1] == '+'
		var digits []rune
		for j := i; ; {
			k := j
			for k < len(rs) && isDigit(rs[k]) {
				k++
			}
			digits = append(digits, rs[j:k]...)
			if len(digits) > 18 {
				break
			}
			var next rune
			if k < len(rs) {
				next = rs[k]
			}
			if what := numberKind(digits, next, plus); what != "" {
				return what
			}
			// Another group after a single space or hyphen continues the chain.
			if k+1 < len(rs) && (rs[k] == ' ' || rs[k] == '-') && isDigit(rs[k+1]) {
				j = k + 1
				continue
			}
			break
		}
	}
	return ""
}

// numberKind says whether digits, a whole run or chain followed by next,
// is an ID-card number or a mobile number. international: the run follows
// a '+', so 86 and a mobile number is one too.
func numberKind(digits []rune, next rune, international bool) string {
	switch n := len(digits); {
	case n == 11 && isMobile(digits):
		return MobileNumber
	case n == 13 && international && digits[0] == '8' && digits[1] == '6' && isMobile(digits[2:]):
		return MobileNumber
	case n == 18 && isIDCard(digits[:17], digits[17]):
		return IDCardNumber
	case n == 17 && (next == 'X' || next == 'x') && isIDCard(digits, 'X'):
		return IDCardNumber
	}
	return ""
}

func isMobile(d []rune) bool { return d[0] == '1' && d[1] >= '3' && d[1] <= '9' }

// idWeights are GB 11643-1999's weights: 2^(17-i) mod 11.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// isIDCard reports whether body (17 digits) with check is an ID-card
// number: the ISO 7064 MOD 11-2 check character, and a birth date of the
// 19th to 21st century at digits 7 to 14.
func isIDCard(body []rune, check rune) bool {
	if body[0] == '0' {
		return false
	}
	sum := 0
	for i, r := range body {
		sum += int(r-'0') * idWeights[i]
	}
	want := rune('0' + (12-sum%11)%11)
	if want == '0'+10 {
		want = 'X'
	}
	if check == 'x' {
		check = 'X'
	}
	if check != want {
		return false
	}
	num := func(from, to int) int {
		n := 0
		for _, r := range body[from:to] {
			n = 10*n + int(r-'0')
		}
		return n
	}
	year, month, day := num(6, 10), num(10, 12), num(12, 14)
	return year >= 1800 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// asciiDigit maps a full-width digit to its ASCII digit.
func asciiDigit(r rune) rune {
	if r >= '０' && r <= '９' {
		return '0' + (r - '０')
	}
	return r
}
