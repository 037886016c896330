package roster

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/clitext"
	"github.com/partychain/partychain/cmd/internal/txsession"
	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// officerRoles are the roles that may register or import members
// (contracts/member: officers).
var officerRoles = []orgv1.Role{orgv1.Role_ROLE_SECRETARY, orgv1.Role_ROLE_DEPUTY_SECRETARY, orgv1.Role_ROLE_ORGANIZATION_OFFICER}

// checkSigner adds a problem if the signing key lacks the role the
// roster's txs need: an officer of the branch for applicants, of the
// branch's superior committee for existing members.
func checkSigner(ctx context.Context, c *client.Client, from string, addr []byte, opt *rosterOpts, p *problems) error {
	orgID := opt.branch
	if opt.existing {
		id := opt.branch
		orgID = 0
		for id != 0 {
			var o orgv1.Organization
			var qe *client.QueryError
			if _, err := c.QueryInto(ctx, fmt.Sprintf("/org/%d", id), &o); errors.As(err, &qe) {
				return nil // said by checkOnChain
			} else if err != nil {
				return err
			}
			if id != opt.branch && o.Kind == orgv1.OrgKind_ORG_KIND_COMMITTEE {
				orgID = id
				break
			}
			id = o.ParentId
		}
		if orgID == 0 {
			p.add("--branch %d has no committee above it: existing members cannot be imported there", opt.branch)
			return nil
		}
	}
	var owner identityv1.CommitmentOwner
	_, err := c.QueryInto(ctx, "/identity/key/"+strings.ToUpper(hex.EncodeToString(addr)), &owner)
	var qe *client.QueryError
	switch {
	case errors.As(err, &qe) && qe.Has(identity.ErrIdentityNotFound):
		p.add("--from %s is the key of no member: %s", from, signers(opt))
		return nil
	case err != nil:
		return err
	}
	var l orgv1.OfficerList
	if _, err := c.QueryInto(ctx, fmt.Sprintf("/org/%d/officers", orgID), &l); errors.As(err, &qe) {
		return nil // no such organization: said by checkOnChain
	} else if err != nil {
		return err
	}
	for _, o := range l.Officers {
		if o.MemberId == owner.MemberId && slices.Contains(officerRoles, o.Role) {
			return nil
		}
	}
	p.add("--from %s (member %d) lacks the role: %s", from, owner.MemberId, signers(opt))
	return nil
}

// NodeDown reports whether err says that nothing answers at the node's
// address (connection refused, no such host, ...), as opposed to an answer
// that came late or an error of the chain.
func NodeDown(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// nodeReason is a row's reason for err: for a node that does not answer,
// the same words for every row and tx (grouped in the summary) with the
// next step; else err as it is.
func nodeReason(err error) string {
	if NodeDown(err) {
		return "the node does not answer: is the node running? start it with make run (or pass --node)"
	}
	return err.Error()
}

// NodeError says, in one line and once for the whole run, that the node
// does not answer and what to do next; other errors pass unchanged.
func NodeError(node string, err error) error {
	if err == nil || !NodeDown(err) {
		return err
	}
	return fmt.Errorf("the node at %s does not answer: is the node running? start it with make run (or pass --node); nothing was sent", node)
}

// DryRun is what import-roster --dry-run found: nothing is sent.
type DryRun struct {
	DryRun            bool   `json:"dry_run"`
	CSV               string `json:"csv"`
	CardsDir          string `json:"cards_dir"`
	BranchID          uint64 `json:"branch_id"`
	Mode              string `json:"mode"`
	Rows              int    `json:"rows"`
	ToSend            int    `json:"to_send"`
	Txs               int    `json:"txs"`
	AlreadyRegistered int    `json:"already_registered"`
	// Unfinished are the rows whose card an earlier run left without a
	// member id (sent with no answer); UnfinishedOnChain of them have
	// their commitment on chain (the real run completes their cards), the
	// others are sent again with their own card.
	Unfinished        int `json:"unfinished"`
	UnfinishedOnChain int `json:"unfinished_on_chain"`
}

// lookUpUnfinishedRows is settleUnfinishedRows for a dry run: it writes
// nothing. A row whose card's commitment is on chain is counted (the real
// run completes its card); the others are added to the rows to send, with
// their own card. It returns the rows to send, in row order.
func lookUpUnfinishedRows(ctx context.Context, s *txsession.Session, opt *rosterOpts, unfinished map[int]*card.Card, pending []int) ([]int, int, error) {
	opt.resend = map[int]*card.Card{}
	onChain := 0
	for i, old := range unfinished {
		qctx, cancel := context.WithTimeout(ctx, s.Timeout)
		var owner identityv1.CommitmentOwner
		_, err := s.Client.QueryInto(qctx, "/identity/commitment/"+hex.EncodeToString(old.Commitment()), &owner)
		cancel()
		var qe *client.QueryError
		switch {
		case err == nil:
			onChain++
		case errors.As(err, &qe) && qe.Has(identity.ErrIdentityNotFound):
			opt.resend[i] = old
			pending = append(pending, i)
		default:
			return nil, 0, err
		}
	}
	slices.Sort(pending)
	return pending, onChain, nil
}

// Print writes the dry run's findings as text.
func (d *DryRun) Print(w io.Writer) {
	fmt.Fprintf(w, "dry run: %s: %d rows, no problems found; %d to send in %d txs, %d already registered, "+
		"%d with a card sent before without an answer (%d of them on chain: the real run completes their cards; "+
		"the others are sent again with their own card); nothing was sent\n",
		d.CSV, d.Rows, d.ToSend, d.Txs, d.AlreadyRegistered, d.Unfinished, d.UnfinishedOnChain)
}

// removeRejectedCards removes the cards an earlier run renamed to
// *.rejected (nothing of them reached the chain) for the rows that are now
// registered, by this run or an earlier one: the row's own card holds the
// member. A card that cannot be removed is listed with the command that
// removes it.
func removeRejectedCards(sum *Summary) {
	for _, r := range sum.Results {
		switch r.Status {
		case rowRegistered, rowAlreadyRegistered, rowCardNotUpdated:
		default:
			continue
		}
		if r.Card == "" {
			continue
		}
		aside, _ := filepath.Glob(globQuote(r.Card) + ".rejected*")
		for _, path := range aside {
			if !rejectedName(r.Card, path) {
				continue
			}
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				sum.RejectedKept = append(sum.RejectedKept, fmt.Sprintf("rm %s  # row %d is registered (%v)", clitext.ShellQuote(path), r.Row, err))
				continue
			}
			sum.RejectedRemoved = append(sum.RejectedRemoved, path)
		}
	}
}

// rejectedName reports whether path is card renamed aside by renameAside:
// card.rejected or card.rejected.N.
func rejectedName(card, path string) bool {
	rest, ok := strings.CutPrefix(path, card+".rejected")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	n, ok := strings.CutPrefix(rest, ".")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

// globQuote escapes the pattern characters of a path for filepath.Glob.
func globQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
