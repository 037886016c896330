package contracts

import (
	"strings"
	"testing"
)

func TestFindPersonalData(t *testing.T) {
	for _, c := range []struct {
		text string
		want string
	}{
		{"申请人 110105194912310", ""},                    // 15 digits: the old card, not recognized
		{"申请人身份证 11010519491231002X 已核", IDCardNumber}, // check character X
		{"id 11010519491231002x", IDCardNumber},        // lower-case x
		{"440304199003075812", IDCardNumber},           // check digit 2
		{"440304199003075813", ""},                     // wrong check digit
		{"11010519491231002Y", ""},                     // 17 digits and not X
		{"110105 19491231 002X", IDCardNumber},         // groups
		{"0440304199003075812", ""},                    // 19 digits
		{"联系 13812345678", MobileNumber},
		{"tel:13812345678.", MobileNumber},
		{"138-1234-5678", MobileNumber},
		{"138 1234 5678", MobileNumber},
		{"+8613812345678", MobileNumber},
		{"+86 138 1234 5678", MobileNumber},
		{"１３８１２３４５６７８", MobileNumber},  // full-width digits
		{"reference 138123456789", ""}, // 12 digits holding a mobile-like run
		{"reference 913812345678", ""}, // the same, in front
		{"8613812345678", ""},          // 13 digits without +
		{"12812345678", ""},            // 12 is no mobile prefix
		{"23812345678", ""},            // nor 2
		{"第3次会议 2026-01-15 出席 42 人", ""},
		{"2026年第一季度党费收缴 1234567 分", ""},
		{"", ""},
	} {
		if got := FindPersonalData(c.text); got != c.want {
			t.Errorf("%q: found %q, want %q", c.text, got, c.want)
		}
	}
}

// TestCheckFreeTextCode: the refusal carries privacy/2 and never repeats
// the number.
func TestCheckFreeTextCode(t *testing.T) {
	for _, text := range []string{"call 13812345678", "id 11010519491231002X"} {
		err := CheckFreeText("memo", text)
		e, ok := AsError(err)
		if !ok || e.Codespace != "privacy" || e.Code != 2 {
			t.Fatalf("%q: %v, want privacy/2", text, err)
		}
		if msg := err.Error(); strings.Contains(msg, "13812345678") || strings.Contains(msg, "1101051949") || !strings.Contains(msg, "memo") {
			t.Errorf("%q: message %q repeats the number or does not name the field", text, msg)
		}
	}
	if err := CheckFreeText("memo", "reference 138123456789"); err != nil {
		t.Errorf("12-digit reference refused: %v", err)
	}
}
