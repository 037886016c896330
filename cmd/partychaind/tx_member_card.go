package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/cardindex"
	"github.com/partychain/partychain/cmd/internal/clitext"
	"github.com/partychain/partychain/cmd/internal/txsession"
	"github.com/partychain/partychain/contracts/identity"
)

// cardFlags adds the flags of the personal fields and the card.
func cardFlags(cmd *cobra.Command, whose string) {
	f := cmd.Flags()
	f.StringArray("field", nil, "a personal field as name=value (repeat the flag)")
	f.String("fields-file", "", "file of personal fields: name=value lines or a JSON object")
	f.String("member-key", "", "the "+whose+"'s own public key (64 hex digits) or a key name, optional")
	f.String("card-out", "", "path of the new member card (must not exist); its folder is the card folder checked for duplicates")
	f.String("card", "", "send again the commitment of this existing card (no member id yet) instead of making a new card")
	f.String("allow-duplicate", "", "REASON: send although a card in the card folder holds the same id_number (the reason is kept in the folder's index, never sent)")
}

// cardInputs are the personal fields, the member's own key and the card's
// path, read and checked from the flags of cardFlags.
type cardInputs struct {
	fields    [][2]string
	memberKey []byte
	cardPath  string
	resend    *card.Card // --card: the existing card to send again
	allow     string     // --allow-duplicate's reason
}

func readCardInputs(cmd *cobra.Command) (*cardInputs, error) {
	f := cmd.Flags()
	in := &cardInputs{}
	var err error
	if s, _ := f.GetString("member-key"); s != "" {
		if in.memberKey, err = resolvePubKey(cmd, s); err != nil {
			return nil, fmt.Errorf("--member-key: %w", err)
		}
	}
	in.allow, _ = f.GetString("allow-duplicate")
	if f.Changed("allow-duplicate") && strings.TrimSpace(in.allow) == "" {
		return nil, errors.New("--allow-duplicate needs a reason, such as --allow-duplicate 're-admission after exit'")
	}
	if in.cardPath, _ = f.GetString("card"); in.cardPath != "" {
		for _, name := range []string{"card-out", "field", "fields-file"} {
			if f.Changed(name) {
				return nil, fmt.Errorf("--%s with --card: the card holds the fields; --card sends its commitment again", name)
			}
		}
		if in.resend, err = card.Read(in.cardPath); err != nil {
			return nil, fmt.Errorf("--card: %w", err)
		}
		if in.resend.MemberID != 0 {
			return nil, fmt.Errorf("--card %s is already registered as member %d (tx %s, height %d): nothing to send",
				in.cardPath, in.resend.MemberID, in.resend.TxHash, in.resend.Height)
		}
		for _, fl := range in.resend.Fields {
			in.fields = append(in.fields, [2]string{fl.Name, fl.Value})
		}
		return in, nil
	}
	fieldArgs, _ := f.GetStringArray("field")
	fieldsFile, _ := f.GetString("fields-file")
	if in.fields, err = collectFields(fieldArgs, fieldsFile); err != nil {
		return nil, err
	}
	if in.cardPath, _ = f.GetString("card-out"); in.cardPath == "" {
		return nil, errors.New("--card-out is empty: give the path of the new member card (a file that does not exist yet), " +
			"or --card FILE to send an existing card's commitment again")
	}
	if _, err := os.Lstat(in.cardPath); err == nil {
		return nil, fmt.Errorf("--card-out %s already exists: a card is never overwritten; choose another file, "+
			"or send its commitment again with --card %s", in.cardPath, in.cardPath)
	}
	return in, nil
}

// outcomeUnknownError is a tx that was sent (or may have been) with no
// answer: the process exits with exitOutcomeUnknown.
type outcomeUnknownError struct{ msg string }

func (e *outcomeUnknownError) Error() string { return e.msg }

// retryCommand is the command line that sends the card at path again: this
// command with the flags the clerk gave, less the ones that made the card,
// and --card path.
func retryCommand(cmd *cobra.Command, path string) string {
	skip := map[string]bool{"field": true, "fields-file": true, "card-out": true, "card": true}
	return commandLine(cmd, skip) + " --card " + shellQuote(path)
}

// commandLine is this command as the clerk gave it (its path and the flags
// set), less the flags in skip, quoted for a POSIX shell.
func commandLine(cmd *cobra.Command, skip map[string]bool) string {
	parts := []string{cmd.CommandPath()}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if !skip[fl.Name] {
			parts = append(parts, "--"+fl.Name, shellQuote(fl.Value.String()))
		}
	})
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell if it needs it.
func shellQuote(s string) string { return clitext.ShellQuote(s) }

// duplicateError says which cards of the folder hold the id_number of a
// person about to be registered, and what the clerk can do.
func duplicateError(matches []cardindex.Match, what string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the card folder already holds a card with this %s, so this person may be registered already; nothing was sent:",
		what, cardindex.IDNumberField)
	for _, m := range matches {
		switch {
		case m.Err != nil:
			fmt.Fprintf(&b, "\n  %s (cannot be read: %v)", m.Path, m.Err)
		case m.MemberID != 0:
			fmt.Fprintf(&b, "\n  %s: member %d", m.Path, m.MemberID)
		default:
			fmt.Fprintf(&b, "\n  %s: no member id yet (its registration may still reach the chain: run "+
				"'partychaind tx member complete-cards %s', or send it again with --card %s)", m.Path, m.Path, m.Path)
		}
	}
	b.WriteString("\nif this really is a second registration of the same person (such as re-admission after an exit), " +
		"run again with --allow-duplicate REASON")
	return errors.New(b.String())
}

// checkDuplicates looks for the person's id_number in the card folder's
// index, leaving out the card except (a card sent again). It returns the
// paths of the cards found if the clerk allowed the duplicate.
func checkDuplicates(cmd *cobra.Command, idx *cardindex.Index, fields [][2]string, except, allow, what string) ([]string, error) {
	id, ok := cardindex.IDNumberOf(fields)
	if !ok {
		fmt.Fprintf(cmd.ErrOrStderr(), "note: %s has no %s field, so the card folder cannot be checked for the same person\n",
			what, cardindex.IDNumberField)
		return nil, nil
	}
	matches := idx.Find(id, except)
	if len(matches) == 0 {
		return nil, nil
	}
	if allow == "" {
		return nil, duplicateError(matches, what)
	}
	paths := make([]string, len(matches))
	for i, m := range matches {
		paths[i] = m.Path
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "note: %s: a duplicate of %s, allowed: %s\n", what, strings.Join(paths, ", "), allow)
	return paths, nil
}

// sendWithCard reads the card flags (readCardInputs), makes the new
// member's card (or reads the card to send again, --card) and signs the
// message newMsg builds from the card's commitment and the member's own key
// (a registration or an import). It refuses a person whose id_number a card
// of the card folder holds, writes the card, sends the tx and waits for it;
// then completes the card with the member id, or removes it if the chain
// rejected the tx, or keeps it without an id if no answer came.
func sendWithCard(cmd *cobra.Command, branch uint64, birthYear uint32, newMsg func(commitment, memberKey []byte) any) error {
	in, err := readCardInputs(cmd)
	if err != nil {
		return err
	}
	s, err := openTxSession(cmd)
	if err != nil {
		return err
	}
	c := in.resend
	if c == nil {
		if c, err = card.New(s.ChainID, branch, birthYear, in.fields, nil); err != nil {
			return err
		}
	} else if c.ChainID != s.ChainID || c.BranchID != branch || c.BirthYear != birthYear {
		return fmt.Errorf("--card %s is of chain %q, branch %d, born %d; this command is for chain %q, --branch %d, --birth-year %d: "+
			"give the card's own values", in.cardPath, c.ChainID, c.BranchID, c.BirthYear, s.ChainID, branch, birthYear)
	}
	cardPath := in.cardPath
	idx, err := cardindex.Open(filepath.Dir(cardPath))
	if err != nil {
		return err
	}
	defer idx.Close()
	except := ""
	if in.resend != nil {
		except = cardPath
	}
	dupOf, err := checkDuplicates(cmd, idx, in.fields, except, in.allow, "the person")
	if err != nil {
		return err
	}
	tx, err := s.Sign(newMsg(c.Commitment(), in.memberKey))
	if err != nil {
		return err
	}
	if in.resend == nil {
		if err := c.Write(cardPath); err != nil {
			return err
		}
	}
	if err := idx.Add(cardPath, dupOf, in.allow); err == nil {
		err = idx.Save()
	}
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: the card folder's index was not updated: %v\n", err)
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), s.Timeout)
	defer cancel()
	res, err := s.Client.Broadcast(ctx, tx)
	if err == nil && res.Code == 0 {
		err = s.Client.Wait(ctx, res)
	}
	if err == nil {
		s.KeepReceipt(cmd.Context(), res)
	}
	if err != nil {
		return &outcomeUnknownError{fmt.Sprintf("%v\nthe tx was sent, or may have been, and its outcome is unknown; the card %s is kept (no member id yet).\n"+
			"next, once the node answers, send the same commitment again (the chain refuses a commitment twice, so this cannot register the person twice):\n  %s",
			err, cardPath, retryCommand(cmd, cardPath))}
	}
	out := registerResult{TxResult: res, Card: cardPath, Resent: in.resend != nil}
	if !res.OK() {
		return settleRejected(cmd, &out, s)
	}
	ids := res.EventValues("member_registered", "member_id")
	if len(ids) != 1 {
		out.CardKept = true
		_ = printRegisterResult(cmd, &out)
		return fmt.Errorf("tx %s is in block %d but reports %d member_registered events, want 1; the card %s is kept: "+
			"run 'partychaind tx member complete-cards %s'", res.Hash, res.Height, len(ids), cardPath, cardPath)
	}
	if out.MemberID, err = strconv.ParseUint(ids[0], 10, 64); err != nil || out.MemberID == 0 {
		return fmt.Errorf("tx %s: member_registered member_id %q is not an id; the card %s is kept", res.Hash, ids[0], cardPath)
	}
	out.CardKept = true
	c.MemberID, c.TxHash, c.Height = out.MemberID, res.Hash, res.Height
	if err := c.Rewrite(cardPath); err != nil {
		_ = printRegisterResult(cmd, &out)
		return fmt.Errorf("member %d is registered, but the card %s could not be updated with its id: %w "+
			"(the card is still valid; run 'partychaind tx member complete-cards %s')", out.MemberID, cardPath, err, cardPath)
	}
	if err := idx.Add(cardPath, nil, ""); err == nil {
		_ = idx.Save()
	}
	return printRegisterResult(cmd, &out)
}

// settleRejected handles a tx the chain refused. A new card is removed:
// nothing of it reached the chain. A card sent again is always kept, and
// if the chain refused its commitment as already registered, the earlier
// send landed: the card is completed from the chain, and that is success.
func settleRejected(cmd *cobra.Command, out *registerResult, s *txsession.Session) error {
	res, cardPath := out.TxResult, out.Card
	if out.Resent {
		out.CardKept = true
		if res.Codespace == identity.ErrDuplicateCommitment.Codespace && res.Code == identity.ErrDuplicateCommitment.Code {
			done := completeCard(cmd.Context(), s.Client, s.ChainID, cardPath)
			if done.Status == "completed" {
				out.AlreadyRegistered, out.MemberID = true, done.MemberID
				return printRegisterResult(cmd, out)
			}
			_ = printRegisterResult(cmd, out)
			return fmt.Errorf("the chain holds the card's commitment already, but the card %s could not be completed: %s; "+
				"run 'partychaind tx member complete-cards %s'", cardPath, done.Reason, cardPath)
		}
		if err := printRegisterResult(cmd, out); err != nil {
			return err
		}
		return fmt.Errorf("%v; the card %s is kept: if an earlier send of it is still pending, run "+
			"'partychaind tx member complete-cards %s' once it is in a block", (&rejectedError{res: res, names: keyNames(cmd)}).Error(), cardPath, cardPath)
	}
	if rmErr := os.Remove(cardPath); rmErr != nil {
		out.CardKept = true
		fmt.Fprintf(cmd.ErrOrStderr(), "could not remove the card %s: %v\n", cardPath, rmErr)
	}
	if err := printRegisterResult(cmd, out); err != nil {
		return err
	}
	if out.CardKept {
		return fmt.Errorf("%v; nothing reached the chain, but the card %s could not be removed", (&rejectedError{res: res, names: keyNames(cmd)}).Error(), cardPath)
	}
	return fmt.Errorf("%v; nothing reached the chain, so the card %s was removed", (&rejectedError{res: res, names: keyNames(cmd)}).Error(), cardPath)
}
