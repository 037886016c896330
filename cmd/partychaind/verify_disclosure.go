package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/receipt"
)

// The offline form of verify-field: a disclosure (card disclose) checked
// against the member's identity record proven by a receipt, with no node.

func addDisclosureFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("receipt", "", "offline: the receipt (or credential) file that proves the member's identity record, usually the registration's")
	f.String("genesis", "", "offline: trust the chain id and validators of this genesis file")
	f.String("trusted-validators", "", "offline: trust the validator set with this hash (hex, a header's validators_hash) instead of a genesis file")
}

// disclosureCheck is the outcome of verify-field --receipt, printed with -o json.
type disclosureCheck struct {
	ChainID    string           `json:"chain_id"`
	MemberID   uint64           `json:"member_id"`
	Commitment string           `json:"commitment"` // the disclosure's, hex
	Fields     []disclosedValue `json:"fields"`
	Matches    bool             `json:"matches"`
	Height     int64            `json:"height,omitempty"`  // the block of the receipt that proves the record
	TxHash     string           `json:"tx_hash,omitempty"` // its tx
	Reason     string           `json:"reason,omitempty"`
}

type disclosedValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func runVerifyDisclosure(cmd *cobra.Command, args []string) error {
	proofPath, want := args[0], args[1:]
	data, err := readFileAtMost(proofPath, card.MaxDisclosureBytes)
	if err != nil {
		return err
	}
	d, err := card.DecodeDisclosure(data)
	if err != nil {
		if bytes.Contains(data, []byte(`"salt"`)) && bytes.Contains(data, []byte(`"branch_id"`)) {
			return fmt.Errorf("%s is a member card, not a disclosure: write one with 'partychaind card disclose %s FIELD... --out PROOF.json'", proofPath, proofPath)
		}
		return fmt.Errorf("%s: %w", proofPath, err)
	}
	out := disclosureCheck{ChainID: d.ChainID, MemberID: d.MemberID, Commitment: hex.EncodeToString(d.Commitment)}
	for _, p := range d.Fields {
		out.Fields = append(out.Fields, disclosedValue{Name: p.Name, Value: p.Value})
	}
	v, err := verifyDisclosure(cmd, d, proofPath, want)
	out.Matches = err == nil
	if v != nil {
		out.Height, out.TxHash = v.Height, v.TxHash
	}
	if err != nil {
		out.Reason = err.Error()
	}
	if isJSON(cmd) {
		if perr := printJSON(cmd, out); perr != nil {
			return perr
		}
	} else if err == nil {
		w := cmd.OutOrStdout()
		for _, f := range out.Fields {
			fmt.Fprintf(w, "member %d of chain %s: %s = %q\n", d.MemberID, d.ChainID, f.Name, f.Value)
		}
		fmt.Fprintf(w, "proven: each disclosed field matches member %d's commitment %x, in the identity record written by %s\n",
			d.MemberID, d.Commitment, provenBy(v))
	}
	return err
}

// verifyDisclosure verifies the receipt file offline, then the disclosure
// against the identity record it proves. It returns the verified receipt
// that proves the record, if one does, and the first failure, named.
func verifyDisclosure(cmd *cobra.Command, d *card.Disclosure, proofPath string, want []string) (*receipt.Verified, error) {
	for _, name := range want {
		if _, err := d.Field(name); err != nil {
			return nil, fmt.Errorf("disclosure %s: %w", proofPath, err)
		}
	}
	trust, err := offlineTrust(cmd)
	if err != nil {
		return nil, err
	}
	receiptPath, _ := cmd.Flags().GetString("receipt")
	vs, err := verifyReceiptFile(receiptPath, trust)
	if err != nil {
		return nil, fmt.Errorf("receipt %s: %w", receiptPath, err)
	}
	v, err := findIdentityRecord(d, vs)
	if err != nil {
		return nil, fmt.Errorf("receipt %s: %w", receiptPath, err)
	}
	if err := d.Verify(); err != nil {
		return v, fmt.Errorf("disclosure %s: %w", proofPath, err)
	}
	return v, nil
}

// verifyReceiptFile reads and verifies a receipt or a credential file.
func verifyReceiptFile(path string, trust receipt.Trust) ([]*receipt.Verified, error) {
	if path == "" {
		return nil, errors.New("--receipt is empty: give the member's registration receipt")
	}
	data, err := readFileAtMost(path, receipt.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	r, c, err := receipt.Parse(data)
	if err != nil {
		return nil, err
	}
	if c != nil {
		return receipt.VerifyCredential(c, trust)
	}
	v, err := receipt.Verify(r, trust)
	if err != nil {
		return nil, err
	}
	return []*receipt.Verified{v}, nil
}

// findIdentityRecord returns the verified receipt that proves member
// d.MemberID's identity record with d's commitment. A credential's receipts
// are tried in turn; the most telling failure is returned.
func findIdentityRecord(d *card.Disclosure, vs []*receipt.Verified) (*receipt.Verified, error) {
	var firstErr error
	for _, v := range vs {
		var err error
		if v.Failed {
			err = fmt.Errorf("its tx %s failed in block %d (code %d %s): it wrote nothing", v.TxHash, v.Height, v.Code, v.Codespace)
		} else {
			writes := make([]card.Write, len(v.Writes))
			for i, w := range v.Writes {
				writes[i] = card.Write{Key: w.Key, Value: w.Value, Deleted: w.Deleted}
			}
			if _, err = d.CheckIdentityWrites(v.ChainID, writes); err == nil {
				return v, nil
			}
		}
		// A receipt that does write the member's record but with another
		// commitment says more than one that does not write it at all.
		if firstErr == nil || errors.Is(firstErr, card.ErrNoIdentityRecord) && !errors.Is(err, card.ErrNoIdentityRecord) {
			firstErr = err
		}
	}
	if len(vs) > 1 {
		return nil, fmt.Errorf("none of the credential's %d receipts proves the disclosure's commitment: %w", len(vs), firstErr)
	}
	return nil, firstErr
}

// isDisclosureFile reports whether path holds a disclosure (so the online
// form can point to --receipt instead of calling it a damaged card).
func isDisclosureFile(path string) bool {
	data, err := readFileAtMost(path, card.MaxDisclosureBytes)
	return err == nil && bytes.Contains(data, []byte(`"format": "`+card.DisclosureFormat+`"`))
}

// provenBy says where the receipt puts the record: the tx, its block and
// time in the consortium calendar, and who signed the block.
func provenBy(v *receipt.Verified) string {
	zone := time.FixedZone("", int(v.CalendarOffsetMinutes)*60)
	return fmt.Sprintf("tx %s in block %d at %s, signed by %d of %d validators, power %d of %d",
		v.TxHash, v.Height, v.Time.In(zone).Format("2006-01-02 15:04:05 -07:00"),
		v.SignedBy.Validators, v.SignedBy.ValidatorsTotal, v.SignedBy.Power, v.SignedBy.PowerTotal)
}
