package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/clierr"
	"github.com/partychain/partychain/cmd/internal/clitext"
	"github.com/partychain/partychain/contracts/member"
	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

const cardRulesHelp = `A birth_date field (YYYY-MM-DD) must fall in --birth-year. --fields-file holds one
name=value per line (blank lines and lines starting with # are skipped) or a JSON object of
strings. Names are 1 to 32 characters of a-z, 0-9 and _, starting with a letter; values are
trimmed of surrounding spaces and hold 1 to 1024 bytes of UTF-8.`

func newMemberRegisterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register --branch ID --application-date D --birth-year Y (--field NAME=VALUE ... --card-out FILE | --card FILE)",
		Short: "Register an applicant: write a member card, then commit to it on chain",
		Long: `Register a written application received by a branch. The personal fields (--field
name=value, repeated, and/or --fields-file) never go on chain: each gets a fresh 32-byte
random salt, and only the Merkle root of the salted fields (the commitment) is sent.

The member card (fields + salts, JSON, mode 0600) is written to --card-out FIRST, before
anything is sent; an existing file is never overwritten. Once the tx is in a block the card
is rewritten with the member id, tx hash and height. If the chain rejects the tx, nothing
reached the chain and the card is removed. If the outcome is unknown (the node could not be
reached, or the block did not come within --timeout) the card is kept and the command exits
3 (sent, outcome unknown), printing the command to run next: the same command with --card
FILE in place of the fields, which sends the card's commitment again (the chain refuses a
commitment twice, so the person is recorded once; a card whose first send had landed is
completed from the chain). Give the card to the member: it is the only way to prove a field
(verify-field), and it cannot be made again.

Before anything is sent, the card folder (the folder of --card-out or --card) is checked for
a card with the same id_number (a local index of keyed digests, never sent); one found is
refused with its path and member id unless --allow-duplicate REASON is given.

` + cardRulesHelp,
		Args: cobra.NoArgs,
		RunE: runRegister,
	}
	f := cmd.Flags()
	f.Uint64("branch", 0, "id of the branch that received the application")
	f.String("application-date", "", "date of the written application (YYYY-MM-DD)")
	f.Uint32("birth-year", 0, "the applicant's birth year (kept in the clear for the age rule)")
	cardFlags(cmd, "applicant")
	reasonFlag(cmd)
	docFlag(cmd, false)
	for _, name := range []string{"branch", "application-date", "birth-year"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// registerResult is the output of tx member register and import with -o
// json: the tx result with the member id and the card's path.
type registerResult struct {
	*client.TxResult
	MemberID uint64 `json:"member_id"`
	Card     string `json:"card"`
	CardKept bool   `json:"card_kept"`
	// Resent: the commitment of an existing card was sent again (--card).
	// AlreadyRegistered: the chain refused it as already registered, so an
	// earlier send had landed; MemberID is that member, read from the chain.
	Resent            bool `json:"resent,omitempty"`
	AlreadyRegistered bool `json:"already_registered,omitempty"`
}

func runRegister(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	branch, _ := f.GetUint64("branch")
	if branch == 0 {
		return errors.New("--branch must be a branch id from 1")
	}
	appDate, err := flagDate(cmd, "application-date")
	if err != nil {
		return err
	}
	birthYear, _ := f.GetUint32("birth-year")
	if err := checkBirthYear(birthYear); err != nil {
		return fmt.Errorf("--birth-year: %w", err)
	}
	doc, err := flagHash(cmd, "doc-hash", true)
	if err != nil {
		return err
	}
	return sendWithCard(cmd, branch, birthYear, func(commitment, memberKey []byte) any {
		return &memberv1.MsgRegisterApplicant{BranchId: branch, ApplicationDate: appDate, BirthYear: birthYear,
			Commitment: commitment, MemberPubKey: memberKey, ReasonCode: flagUint32(cmd, "reason"), DocHash: doc}
	})
}

// parseImportStage reads full or probationary (any case).
func parseImportStage(what, s string) (memberv1.Stage, error) {
	return clitext.ParseImportStage(what, s)
}

// checkImportDates checks what can be checked of an imported member's dates
// without the chain (clitext.CheckImportDates).
func checkImportDates(stage memberv1.Stage, admission, full, birthYear uint32, _, _ string) error {
	return clitext.CheckImportDates(stage, admission, full, birthYear)
}

func newMemberImportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "import --branch ID --stage full|probationary --admission-date D [--full-date D] --birth-year Y " +
			"(--field NAME=VALUE ... --card-out FILE | --card FILE) --legacy-doc H",
		Short: "Record an existing probationary or full member from legacy records (superior committee officers)",
		Long: `Record an existing party member from legacy (paper or database) records, as a
probationary or full member with the dates those records give. It is how a new chain gets
its first full members, who then introduce, act as contacts and vote. It must be signed by
an officer (secretary, deputy secretary, organization officer) of the branch's superior
committee, the nearest committee above it; a branch's own officers are refused
(member/3).

--admission-date is the political birthday; --full-date, for --stage full only, the day
full membership began, at least the member params' probation_days after the admission.
Dates may lie far in the past (there is no backdating bound) but not after the chain's
date. --legacy-doc is the SHA-256 of the legacy record (required; --doc-hash is accepted
as the same flag). The record is marked imported and emits member_registered with
imported=true.

The card is handled as by 'tx member register': written to --card-out before anything is
sent, rewritten with the member id once the tx is in a block, removed if the chain rejects
the tx, kept without a member id if there is no answer (exit status 3; send it again with
--card FILE), checked against the card folder for the same id_number (--allow-duplicate).

` + cardRulesHelp,
		Args: cobra.NoArgs,
		RunE: runImport,
	}
	f := cmd.Flags()
	f.Uint64("branch", 0, "id of the member's branch")
	f.String("stage", "", "full or probationary")
	f.String("admission-date", "", "date of admission, the political birthday (YYYY-MM-DD)")
	f.String("full-date", "", "date full membership began (YYYY-MM-DD; --stage full only)")
	f.Uint32("birth-year", 0, "the member's birth year (kept in the clear for the age rule)")
	cardFlags(cmd, "member")
	f.String("legacy-doc", "", "hash of the legacy record (64 hex digits), required")
	f.String("doc-hash", "", "the same as --legacy-doc")
	reasonFlag(cmd)
	for _, name := range []string{"branch", "stage", "admission-date", "birth-year"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// legacyDoc reads --legacy-doc, or --doc-hash in its place.
func legacyDoc(cmd *cobra.Command) ([]byte, error) {
	legacy, _ := cmd.Flags().GetString("legacy-doc")
	doc, _ := cmd.Flags().GetString("doc-hash")
	switch {
	case legacy == "" && doc == "":
		return nil, errors.New("--legacy-doc is required: the hash of the legacy record (64 hex digits)")
	case legacy != "" && doc != "" && !strings.EqualFold(strings.TrimSpace(legacy), strings.TrimSpace(doc)):
		return nil, errors.New("--legacy-doc and --doc-hash are the same flag: give one")
	case legacy == "":
		return parseHash("--doc-hash", doc)
	}
	return parseHash("--legacy-doc", legacy)
}

func runImport(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	branch, _ := f.GetUint64("branch")
	if branch == 0 {
		return errors.New("--branch must be a branch id from 1")
	}
	st, _ := f.GetString("stage")
	stage, err := parseImportStage("--stage", st)
	if err != nil {
		return err
	}
	admission, err := flagDate(cmd, "admission-date")
	if err != nil {
		return err
	}
	var full uint32
	if s, _ := f.GetString("full-date"); s != "" {
		if full, err = parseDate("--full-date", s); err != nil {
			return err
		}
	} else if stage == memberv1.Stage_STAGE_FULL {
		return clierr.AsUsage(errors.New("a full member needs --full-date, the day full membership began"))
	}
	if full != 0 && stage != memberv1.Stage_STAGE_FULL {
		return clierr.AsUsage(errors.New("--full-date is for full members only, not " + clitext.StageName(stage)))
	}
	birthYear, _ := f.GetUint32("birth-year")
	if err := checkBirthYear(birthYear); err != nil {
		return fmt.Errorf("--birth-year: %w", err)
	}
	if err := checkImportDates(stage, admission, full, birthYear, "--admission-date", "--full-date"); err != nil {
		return err
	}
	if err := checkImportOnChain(cmd, &memberv1.MsgImportMember{BranchId: branch, Stage: stage, AdmissionDate: admission,
		FullDate: full, BirthYear: birthYear}); err != nil {
		return err
	}
	doc, err := legacyDoc(cmd)
	if err != nil {
		return err
	}
	return sendWithCard(cmd, branch, birthYear, func(commitment, memberKey []byte) any {
		return &memberv1.MsgImportMember{BranchId: branch, Stage: stage, AdmissionDate: admission, FullDate: full,
			BirthYear: birthYear, Commitment: commitment, MemberPubKey: memberKey, DocHash: doc,
			ReasonCode: flagUint32(cmd, "reason")}
	})
}

func printRegisterResult(cmd *cobra.Command, out *registerResult) error {
	if isJSON(cmd) {
		return printJSON(cmd, out)
	}
	w := cmd.OutOrStdout()
	if out.MemberID != 0 {
		fmt.Fprintf(w, "member id:  %d\n", out.MemberID)
	}
	if out.AlreadyRegistered {
		fmt.Fprintf(w, "registered: already, by an earlier send of this card (the tx below was refused as a duplicate; nothing was recorded twice)\n")
	}
	if out.CardKept {
		fmt.Fprintf(w, "card:       %s\n", out.Card)
	} else {
		fmt.Fprintf(w, "card:       %s (removed)\n", out.Card)
	}
	return printTxResult(cmd, out.TxResult)
}

func checkBirthYear(y uint32) error { return clitext.CheckBirthYear(y) }

// checkImportOnChain runs the chain's own check of an import's dates
// against the node's member params and date (member.CheckImportDates:
// nothing after today, old enough at admission, a probation long enough),
// so the clerk hears of a bad date before anything is signed or sent. A
// node that cannot be asked is left to the send, which says so once.
func checkImportOnChain(cmd *cobra.Command, msg *memberv1.MsgImportMember) error {
	c, err := rpcClient(cmd)
	if err != nil {
		return nil
	}
	var params memberv1.Params
	var clock chainv1.Clock
	if _, err := c.QueryInto(cmd.Context(), "/member/params", &params); err != nil {
		return nil
	}
	if _, err := c.QueryInto(cmd.Context(), "/chain/clock", &clock); err != nil || clock.Today == 0 {
		return nil
	}
	if err := clitext.Rule(member.CheckImportDates(clock.Today, msg, params)); err != nil {
		return fmt.Errorf("not sent: %w", err)
	}
	return nil
}

// collectFields gathers personal fields from --field name=value flags and
// a fields file, in that order, and checks names, values and duplicates.
func collectFields(args []string, file string) ([][2]string, error) {
	var fields [][2]string
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			return nil, fmt.Errorf("--field %q: want name=value", a)
		}
		fields = append(fields, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	if file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--fields-file: %w", err)
		}
		more, err := parseFieldsFile(raw)
		if err != nil {
			return nil, fmt.Errorf("--fields-file %s: %w", file, err)
		}
		fields = append(fields, more...)
	}
	if len(fields) == 0 {
		return nil, errors.New("no personal fields: give --field name=value (such as --field name=...) or --fields-file")
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if err := checkFieldNameValue(f[0], f[1]); err != nil {
			return nil, err
		}
		if seen[f[0]] {
			return nil, fmt.Errorf("field %q is given twice", f[0])
		}
		seen[f[0]] = true
	}
	return fields, nil
}

// parseFieldsFile reads name=value lines, or a JSON object of strings (in
// its order).
func parseFieldsFile(raw []byte) ([][2]string, error) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(t))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil, errors.New("not a JSON object")
		}
		var fields [][2]string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			name, _ := tok.(string)
			var value string
			if err := dec.Decode(&value); err != nil {
				return nil, fmt.Errorf("field %q: the value must be a string", name)
			}
			fields = append(fields, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, errors.New("text after the JSON object")
		}
		return fields, nil
	}
	var fields [][2]string
	for i, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want name=value", i+1)
		}
		fields = append(fields, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	return fields, nil
}

// checkFieldNameValue applies the commitment scheme's rules to one field's
// name and value (the salt is drawn later).
func checkFieldNameValue(name, value string) error { return clitext.CheckField(name, value) }
