package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/roster"
)

// import-roster: the command reads its flags into roster.Options and
// prints what cmd/internal/roster reports.

func newImportRosterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import-roster --branch ID --csv FILE --cards-dir DIR [--existing] [--batch N] [--reason N] [--doc-hash H]",
		Short: "Register many applicants (or, with --existing, import existing members) from a CSV roster, one member card per row",
		Long: `Register the applicants of a CSV roster at one branch. The first line is a header.
Required columns: application_date (YYYY-MM-DD) and birth_year. Optional column: member_key
(the applicant's own public key, 64 hex digits). Every other column is a personal field
(name, id_number, birth_date, ...) committed on the row's card; an empty cell leaves that
field out for that row; values are trimmed of surrounding spaces.

With --existing, the rows are existing probationary or full members recorded from legacy
records (MsgImportMember, as 'tx member import'), and the signer must be an officer of the
branch's superior committee. Required columns: stage (full or probationary),
admission_date, birth_year and legacy_doc (the SHA-256 of the member's legacy record, 64 hex
digits); full_date is required for full members and must be empty for probationary ones;
member_key is optional. A roster with a stage, admission_date, full_date or legacy_doc
column is refused without --existing, and one with application_date is refused with it,
so that a date is never committed as a personal field by mistake.

The whole file is checked before anything is sent: dates, stages, birth years (and
birth_date against birth_year), field names and values, keys, hashes, the same person twice
(identical fields, or a repeated id_number), and, against the chain, the branch, the age
rule, keys already in use, and the dates: for applicants the date window (not after the
chain's date, at most max_backdate_days before it); for existing members no date after the
chain's date (/chain/clock), the age at admission (min_age_years) and full_date at least
probation_days after admission_date (/member/params); the --from key's role (an officer of
the branch, or for --existing of its superior committee); the cards already in --cards-dir
and the card folder's index. Every problem of every check comes in one list, by row and
line; the same problem on several rows is one line naming them. Nothing is sent if any row
fails. --dry-run runs every check and sends and writes nothing.

Each row gets a card, <csv name>.row-<N>.card.json in --cards-dir (mode 0600, never
overwritten), written before its tx is sent. Up to --batch rows go in one tx (all its rows
are registered or none), txs are sent in a row with consecutive sequences, and each is
waited for. The first tx is waited for before the others are sent, so a systematic problem
(such as a key without the right role) stops the import early. Each registered row's card is
rewritten with its member id. A rejected tx's cards are renamed to *.rejected (nothing of
them reached the chain). A tx without an answer leaves its cards without a member id and the
command exits 3: run the same import again once the node answers.

The rows to send are checked against the cards already in --cards-dir (a local index of
keyed digests of id_number, never sent): a row whose id_number a card holds is refused with
that card's path and member id, unless --allow-duplicate REASON is given.

--reason is recorded with every row. --doc-hash (applicants only) is recorded with every
registration, such as the hash of the signed roster; an existing member's document is its
row's legacy_doc.

Running the same import again resumes it: a row whose card already holds a member id is
skipped (if the card matches the row); a row whose card has no member id (sent with no
answer) is completed from the chain if its commitment is there, else sent again with its
own card (the same commitment: never registered twice). The *.rejected cards of the rows
now registered are removed. Exits 3 if any row was sent with
no answer, else 1 if any row was not registered.`,
		Args: cobra.NoArgs,
		RunE: runImportRoster,
	}
	f := cmd.Flags()
	f.Uint64("branch", 0, "id of the branch that received the applications (or holds the existing members)")
	f.String("csv", "", "the roster: a CSV file with a header line")
	f.String("cards-dir", "", "directory for the member cards (created with mode 0700 if missing)")
	f.Bool("existing", false, "the rows are existing probationary or full members from legacy records (superior committee officers)")
	f.Int("batch", roster.DefaultBatch, fmt.Sprintf("rows per tx, 1 to %d", roster.MaxBatch))
	reasonFlag(cmd)
	f.String("doc-hash", "", "hash of the document behind the whole roster (64 hex digits), optional; applicants only")
	f.Bool("dry-run", false, "check every row (the file, the cards, the chain, the card folder) and list every problem; send and write nothing")
	f.String("allow-duplicate", "", "REASON: send rows although a card in --cards-dir holds the same id_number (kept in the folder's index, never sent)")
	for _, name := range []string{"branch", "csv", "cards-dir"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func runImportRoster(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	o := roster.Options{Stderr: cmd.ErrOrStderr()}
	o.Branch, _ = f.GetUint64("branch")
	if o.Branch == 0 {
		return errors.New("--branch must be a branch id from 1")
	}
	o.Existing, _ = f.GetBool("existing")
	o.Reason = flagUint32(cmd, "reason")
	o.AllowDuplicate, _ = f.GetString("allow-duplicate")
	if f.Changed("allow-duplicate") && strings.TrimSpace(o.AllowDuplicate) == "" {
		return errors.New("--allow-duplicate needs a reason, such as --allow-duplicate 're-admission after exit'")
	}
	var err error
	if o.Doc, err = flagHash(cmd, "doc-hash", true); err != nil {
		return err
	}
	if o.Existing && o.Doc != nil {
		return errors.New("--doc-hash is for rosters of applicants: with --existing, each row's legacy_doc is its document")
	}
	o.Batch, _ = f.GetInt("batch")
	if o.Batch < 1 || o.Batch > roster.MaxBatch {
		return fmt.Errorf("--batch %d: want 1 to %d rows per tx", o.Batch, roster.MaxBatch)
	}
	o.CSV, _ = f.GetString("csv")
	o.CardsDir, _ = f.GetString("cards-dir")
	o.DryRun, _ = f.GetBool("dry-run")
	o.Node, _ = f.GetString("node")
	imp, err := roster.Read(o)
	if err != nil {
		return err
	}
	s, err := openTxSession(cmd)
	if err != nil {
		return roster.NodeError(o.Node, err)
	}
	rep, err := imp.Run(cmd.Context(), s)
	if err != nil {
		return err
	}
	if rep.DryRun != nil {
		if isJSON(cmd) {
			return printJSON(cmd, rep.DryRun)
		}
		rep.DryRun.Print(cmd.OutOrStdout())
		return nil
	}
	if isJSON(cmd) {
		if err := printJSON(cmd, rep.Summary); err != nil {
			return err
		}
	} else {
		roster.PrintSummary(cmd.OutOrStdout(), rep.Summary, keyNames(cmd))
	}
	unknown, err := rep.Failure()
	if unknown {
		return rosterOutcomeUnknown(cmd, err, rep.Summary)
	}
	return err
}

// rosterOutcomeUnknown is the error of an import some of whose rows were
// sent with no answer: exit status 3, and the command to run next.
func rosterOutcomeUnknown(cmd *cobra.Command, err error, sum *roster.Summary) error {
	return &outcomeUnknownError{fmt.Sprintf("%v; %d rows were sent with no answer and may still reach the chain; their cards are kept without a member id.\n"+
		"next, once the node answers, run the same import again: it completes the cards whose tx landed and sends the others' own commitments again "+
		"(the chain refuses a commitment twice, so nobody is registered twice):\n  %s",
		err, sum.Unknown, commandLine(cmd, nil))}
}
