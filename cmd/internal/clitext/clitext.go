// Package clitext holds the CLI's words for the chain's values, shared by
// package main and the client packages under cmd/internal (such as the
// roster import): dates as YYYY-MM-DD (the chain holds YYYYMMDD), hashes
// as hex, enums by short names (development-target), personal fields
// checked as the commitment scheme does, and a command line quoted for a
// shell.
package clitext

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// ParseDate reads a YYYY-MM-DD calendar date as YYYYMMDD; what names the
// flag or column in the error.
func ParseDate(what, s string) (uint32, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a date: want YYYY-MM-DD, such as 2024-07-01", what, s)
	}
	d := uint32(t.Year()*10000 + int(t.Month())*100 + t.Day())
	if _, err := contracts.ParseDate(d); err != nil {
		return 0, fmt.Errorf("%s %q is out of range: want a date from %s to %s", what, s,
			FormatDate(contracts.MinDate), FormatDate(contracts.MaxDate))
	}
	return d, nil
}

// FormatDate shows YYYYMMDD as YYYY-MM-DD, and 0 (no date) as "-".
func FormatDate(d uint32) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
}

// ParseHash reads a 32-byte hash given as 64 hex digits.
func ParseHash(what, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("%s %q: want 64 hex digits, the SHA-256 of the document (never the document itself)", what, s)
	}
	return b, nil
}

// EnumName is the short CLI name of a proto enum value:
// STAGE_DEVELOPMENT_TARGET → development-target.
func EnumName(s, prefix string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(s, prefix)), "_", "-")
}

// ParseEnum reads the short name of one of the allowed values of an enum.
func ParseEnum[E ~int32](what, s string, allowed []E, name func(E) string) (E, error) {
	names := make([]string, len(allowed))
	for i, v := range allowed {
		if name(v) == s {
			return v, nil
		}
		names[i] = name(v)
	}
	return 0, fmt.Errorf("%s %q: want %s", what, s, strings.Join(names, ", "))
}

// StageName is a member stage's short name (probationary, full, ...).
func StageName(s memberv1.Stage) string { return EnumName(s.String(), "STAGE_") }

// ImportStages are the stages an existing member is imported at.
var ImportStages = []memberv1.Stage{memberv1.Stage_STAGE_PROBATIONARY, memberv1.Stage_STAGE_FULL}

// ParseImportStage reads full or probationary (any case).
func ParseImportStage(what, s string) (memberv1.Stage, error) {
	return ParseEnum(what, strings.ToLower(strings.TrimSpace(s)), ImportStages, StageName)
}

// CheckImportDates checks what can be checked of an imported member's
// dates without the chain: a full date for full members only, after the
// admission, and a birth year before the admission. The chain checks the
// rest (min age, probation_days, nothing after today: member.
// CheckImportDates). fullName and admissionName name the dates in errors
// (flags or roster columns).
func CheckImportDates(stage memberv1.Stage, admission, full, birthYear uint32, admissionName, fullName string) error {
	switch {
	case stage == memberv1.Stage_STAGE_FULL && full == 0:
		return fmt.Errorf("a full member needs %s, the day full membership began", fullName)
	case stage != memberv1.Stage_STAGE_FULL && full != 0:
		return fmt.Errorf("%s is for full members only, not %s", fullName, StageName(stage))
	case full != 0 && full <= admission:
		return fmt.Errorf("%s %s is not after %s %s", fullName, FormatDate(full), admissionName, FormatDate(admission))
	case birthYear > admission/10000:
		return fmt.Errorf("born %d, after %s %s", birthYear, admissionName, FormatDate(admission))
	}
	return nil
}

// CheckBirthYear wants a year from 1900 to 2999.
func CheckBirthYear(y uint32) error {
	if y < 1900 || y > 2999 {
		return fmt.Errorf("birth year %d: want a year from 1900 to 2999", y)
	}
	return nil
}

// CheckField applies the commitment scheme's rules to one field's name
// and value (the salt is drawn later).
func CheckField(name, value string) error {
	return identity.CheckField(identity.Field{Name: name, Value: value, Salt: make([]byte, identity.SaltLen)})
}

// ShellQuote quotes s for a POSIX shell if it needs it.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
