// Package clitext holds the CLI's words for the chain's values, shared by
// package main and the client packages under cmd/internal (such as the
// roster import): dates as YYYY-MM-DD (the chain holds YYYYMMDD), hashes
// as hex, enums by short names (development-target), personal fields
// checked as the commitment scheme does, and a command line quoted for a
// shell.
package clitext

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partychain/partychain/cmd/internal/errtrans"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/member"
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

// CheckImportDates runs the chain's stateless check of an import's stage
// and dates (member.ValidateImportMember: a full date for full members
// only, real dates), in the clerk's terms; the rules that need the chain's
// params and date (the probation's length, the age) are the chain's
// member.CheckImportDates, which the roster runs against the node.
func CheckImportDates(stage memberv1.Stage, admission, full, birthYear uint32) error {
	err := member.ValidateImportMember(&memberv1.MsgImportMember{BranchId: 1, Stage: stage, AdmissionDate: admission, FullDate: full,
		BirthYear: birthYear, Commitment: make([]byte, 32), DocHash: make([]byte, 32)})
	return Rule(err)
}

// CheckBirthYear is the chain's member.CheckBirthYear, in the clerk's terms.
func CheckBirthYear(y uint32) error { return Rule(member.CheckBirthYear(y)) }

// Rule writes a chain rule's refusal in the clerk's terms (errtrans), nil
// for nil.
func Rule(err error) error {
	e, ok := contracts.AsError(err)
	if !ok {
		return err
	}
	return errors.New(errtrans.Text(e.Codespace, e.Code, err.Error(), contracts.FieldsInfo(err), nil))
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
