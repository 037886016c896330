package loadgen

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts/org"
	chainv1 "github.com/partychain/partychain/proto/partychain/chain/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// Admin is the key that sets up a registrations run: it creates the bench
// branches and grants the bench keys a role at them, so it must be an
// officer who may create organizations under Config.Parent (the root
// secretary of a dev chain, say).
type Admin struct {
	PubKey []byte
	Sign   func(signBytes []byte) ([]byte, error)
}

// regSetup is what a registrations run needs of the chain.
type regSetup struct {
	chainID  string
	today    uint32
	parent   uint64
	branches []uint64             // one per signer
	keys     []ed25519.PrivateKey // one per signer, organization officer at its branch
}

// setupRegistrations creates one branch per signer under the parent and
// grants each a fresh in-memory key as organization officer, through
// ordinary txs of the admin sent to the first node, then waits until every
// node has committed them.
func setupRegistrations(ctx context.Context, cfg *Config, runID string, signers int) (*regSetup, error) {
	c, err := client.New(cfg.Nodes[0])
	if err != nil {
		return nil, err
	}
	s := &regSetup{parent: cfg.Parent}
	if s.chainID, err = c.ChainID(ctx); err != nil {
		return nil, err
	}
	var clock chainv1.Clock
	if _, err := c.QueryInto(ctx, "/chain/clock", &clock); err != nil {
		return nil, fmt.Errorf("the chain's date: %w", err)
	}
	if s.today = clock.Today; s.today == 0 {
		return nil, fmt.Errorf("the chain has no date yet (height %d): wait for its first block", clock.Height)
	}
	adminAddr := org.AddressOf(cfg.Admin.PubKey)
	if s.parent == 0 {
		if s.parent, err = adminOrg(ctx, c, adminAddr); err != nil {
			return nil, err
		}
	}

	var creates []any
	for j := range signers {
		creates = append(creates, &orgv1.MsgCreateOrg{ParentId: s.parent, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: fmt.Sprintf("bench %s %d", runID, j)})
	}
	var last int64
	for chunk := range slices.Chunk(creates, app.MaxMsgsPerTx) {
		res, err := adminTx(ctx, c, s.chainID, cfg.Admin, adminAddr, chunk)
		if err != nil {
			return nil, fmt.Errorf("create bench branches under organization %d: %w", s.parent, err)
		}
		ids := res.MessageEvents("org_created", "org_id")
		for i := range chunk {
			if len(ids[i]) != 1 {
				return nil, fmt.Errorf("tx %s: message %d emitted no org_created id", res.Hash, i)
			}
			id, err := strconv.ParseUint(ids[i][0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("tx %s: org id %q: %w", res.Hash, ids[i][0], err)
			}
			s.branches = append(s.branches, id)
		}
		last = res.Height
	}

	var grants []any
	for j := range signers {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		s.keys = append(s.keys, key)
		grants = append(grants, &orgv1.MsgGrantRole{OrgId: s.branches[j], Role: orgv1.Role_ROLE_ORGANIZATION_OFFICER, PubKey: key.Public().(ed25519.PublicKey)})
	}
	for chunk := range slices.Chunk(grants, app.MaxMsgsPerTx) {
		res, err := adminTx(ctx, c, s.chainID, cfg.Admin, adminAddr, chunk)
		if err != nil {
			return nil, fmt.Errorf("grant the bench keys their role: %w", err)
		}
		last = res.Height
	}
	// Each signer sends to one node, which must know its account.
	for _, node := range cfg.Nodes {
		if err := waitHeight(ctx, node, last); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// adminOrg is the organization of the admin's first officer role that can
// create organizations (secretary, deputy secretary or organization officer).
func adminOrg(ctx context.Context, c *client.Client, addr []byte) (uint64, error) {
	var info orgv1.AccountInfo
	if _, err := c.QueryInto(ctx, "/account/"+strings.ToUpper(hex.EncodeToString(addr)), &info); err != nil {
		return 0, fmt.Errorf("the --from key's roles: %w", err)
	}
	for _, r := range info.Roles {
		switch r.Role {
		case orgv1.Role_ROLE_SECRETARY, orgv1.Role_ROLE_DEPUTY_SECRETARY, orgv1.Role_ROLE_ORGANIZATION_OFFICER:
			return r.OrgId, nil
		}
	}
	return 0, fmt.Errorf("the --from key %X holds no secretary or organization officer role: it cannot create the bench branches", addr)
}

// adminTx signs msgs as one tx of the admin, broadcasts it and waits for
// its block; a tx the chain rejects is an error.
func adminTx(ctx context.Context, c *client.Client, chainID string, admin *Admin, addr []byte, msgs []any) (*client.TxResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	seq, err := c.NextSequence(ctx, addr)
	if err != nil {
		return nil, err
	}
	body := &txv1.TxBody{ChainId: chainID, Signer: admin.PubKey, Sequence: seq}
	for _, m := range msgs {
		w, err := app.WrapMsg(m)
		if err != nil {
			return nil, err
		}
		body.Messages = append(body.Messages, w)
	}
	tx, err := app.EncodeTx(body, admin.Sign)
	if err != nil {
		return nil, err
	}
	res, err := c.BroadcastAndWait(ctx, tx)
	if err != nil {
		return nil, err
	}
	if !res.OK() {
		return nil, fmt.Errorf("tx %s rejected: %s (code %s)", res.Hash, res.Log, codeKey(res.Codespace, res.Code))
	}
	return res, nil
}

// waitHeight waits until node has committed height h.
func waitHeight(ctx context.Context, node string, h int64) error {
	c, err := client.New(node)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		st, err := c.Status(ctx)
		if err == nil && st.SyncInfo.LatestBlockHeight >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("node %s did not reach height %d (the bench setup): %w", node, h, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
