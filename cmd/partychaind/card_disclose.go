package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/card"
)

func newCardCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "card",
		Short: "Work with a member card offline (the file of personal fields and salts)",
	}
	cmd.AddCommand(newCardDiscloseCmd())
	return cmd
}

func newCardDiscloseCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "disclose CARD_FILE FIELD... --out PROOF.json",
		Short: "Write a disclosure of chosen fields of a member card, to hand over instead of the card",
		Long: `Write a disclosure file: the chosen fields' values with their salts and Merkle paths
to the member's commitment, and nothing else of the card. The other fields stay hidden
behind their salts. Anyone holding the disclosure and the member's registration receipt
checks it offline with
  partychaind verify-field PROOF.json --receipt RECEIPT.json --genesis GENESIS.json
The disclosure holds personal data in the clear: it is written with mode 0600 and never
over an existing file. --out - prints it instead. See docs/receipts.md.`,
		Example: `  partychaind card disclose clerk.card.json birth_date --out clerk.birth_date.json`,
		Args:    cobra.MinimumNArgs(2),
		RunE:    runCardDisclose,
	}
	cmd.Flags().String("out", "", "the disclosure file to write (required; - for standard output)")
	return cmd
}

// disclosed is what card disclose prints with -o json.
type disclosed struct {
	MemberID uint64   `json:"member_id"`
	ChainID  string   `json:"chain_id"`
	Fields   []string `json:"fields"`
	Hidden   int      `json:"hidden"` // the number of the card's fields left out
	Out      string   `json:"out"`
}

func runCardDisclose(cmd *cobra.Command, args []string) error {
	path, names := args[0], args[1:]
	out, _ := cmd.Flags().GetString("out")
	if out == "" {
		return errors.New("--out is required: the disclosure file to write (- for standard output)")
	}
	c, err := card.Read(path)
	if err != nil {
		return err
	}
	d, err := c.Disclose(names)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	data, err := d.Encode()
	if err != nil {
		return err
	}
	if out == "-" {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	if err := writeNewFile(out, data); err != nil {
		return err
	}
	res := disclosed{MemberID: d.MemberID, ChainID: d.ChainID, Out: out, Hidden: len(c.Fields) - len(d.Fields)}
	for _, p := range d.Fields {
		res.Fields = append(res.Fields, p.Name)
	}
	if isJSON(cmd) {
		return printJSON(cmd, res)
	}
	w := cmd.OutOrStdout()
	var hidden string
	switch res.Hidden {
	case 0:
		hidden = "the card has no other field"
	case 1:
		hidden = "the other field stays hidden"
	default:
		hidden = fmt.Sprintf("the other %d fields stay hidden", res.Hidden)
	}
	fmt.Fprintf(w, "wrote %s: %s of member %d (%d of the card's %d fields; %s)\n",
		out, strings.Join(res.Fields, ", "), res.MemberID, len(res.Fields), len(c.Fields), hidden)
	receiptFile := "RECEIPT.json"
	if c.TxHash != "" {
		// Where the registering tx command kept its receipt (--receipt-out's default).
		home, _ := cmd.Flags().GetString("home")
		receiptFile = filepath.Join(home, "receipts", c.TxHash+".json")
	}
	fmt.Fprintf(w, "check it offline, with the member's registration receipt: partychaind verify-field %s --receipt %s --genesis GENESIS.json\n", out, receiptFile)
	if c.TxHash != "" {
		fmt.Fprintf(w, "(no receipt kept? any node makes it again: partychaind receipt %s --out %s.json)\n", c.TxHash, c.TxHash)
	}
	return nil
}
