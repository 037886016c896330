package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func newQueryOrgCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "org", Short: "Organizations, their children, subtrees and officers"}
	show := &cobra.Command{
		Use:   "show ORG_ID",
		Short: "Show one organization",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			var o orgv1.Organization
			return runQuery(cmd, fmt.Sprintf("/org/%d", id), &o, func(w io.Writer) {
				fmt.Fprintf(w, "organization %d\t%q\n", o.Id, o.Name)
				fmt.Fprintf(w, "kind\t%s\n", org.KindName(o.Kind))
				fmt.Fprintf(w, "parent\t%d\n", o.ParentId)
				fmt.Fprintf(w, "depth\t%d\n", o.Depth)
				fmt.Fprintf(w, "status\t%s\n", strings.ToLower(strings.TrimPrefix(o.Status.String(), "ORG_STATUS_")))
				fmt.Fprintf(w, "children\t%d\n", o.ChildCount)
				fmt.Fprintf(w, "officers\t%d\n", o.OfficerCount)
				fmt.Fprintf(w, "created, updated\theight %d, height %d\n", o.CreatedHeight, o.UpdatedHeight)
			})
		},
	}
	list := func(use, short, suffix string) *cobra.Command {
		c := &cobra.Command{
			Use:   use + " ORG_ID",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				id, err := parseID(args[0])
				if err != nil {
					return err
				}
				q := url.Values{}
				for _, f := range []string{"page", "limit"} {
					if v, _ := cmd.Flags().GetUint32(f); v > 0 {
						q.Set(f, fmt.Sprint(v))
					}
				}
				path := fmt.Sprintf("/org/%d/%s", id, suffix)
				if len(q) > 0 {
					path += "?" + q.Encode()
				}
				var p orgv1.OrgPage
				return runQuery(cmd, path, &p, func(w io.Writer) { printOrgPage(w, &p) })
			},
		}
		c.Flags().Uint32("page", 0, "page, from 1")
		c.Flags().Uint32("limit", 0, "entries per page (default 50, at most 200)")
		return c
	}
	officers := &cobra.Command{
		Use:   "officers ORG_ID",
		Short: "List the officers of an organization",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			var l orgv1.OfficerList
			return runQuery(cmd, fmt.Sprintf("/org/%d/officers", id), &l, func(w io.Writer) {
				printOfficers(w, l.Officers)
			})
		},
	}
	params := &cobra.Command{
		Use:   "params",
		Short: "Show the organization ledger's policy parameters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var p orgv1.Params
			return runQuery(cmd, "/org/params", &p, func(w io.Writer) {
				fmt.Fprintf(w, "max_depth\t%d\nmax_officers_per_org\t%d\nmax_children_per_org\t%d\n",
					p.MaxDepth, p.MaxOfficersPerOrg, p.MaxChildrenPerOrg)
			})
		},
	}
	cmd.AddCommand(show,
		list("children", "List the active children of an organization", "children"),
		list("subtree", "List an organization and its active subtree, depth first", "subtree"),
		officers, params)
	return cmd
}

func printOrgPage(w io.Writer, p *orgv1.OrgPage) {
	fmt.Fprintln(w, "ID\tKIND\tNAME\tPARENT\tDEPTH\tCHILDREN")
	for _, o := range p.Orgs {
		fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%d\t%d\n", o.Id, org.KindName(o.Kind), o.Name, o.ParentId, o.Depth, o.ChildCount)
	}
	more := ""
	if p.HasMore {
		more = fmt.Sprintf("; more on page %d", p.Page+1)
	}
	fmt.Fprintf(w, "(page %d, %d shown%s)\n", p.Page, len(p.Orgs), more)
}

func printOfficers(w io.Writer, officers []orgv1.Officer) {
	fmt.Fprintln(w, "ORG\tROLE\tMEMBER\tGRANTED_AT")
	for _, o := range officers {
		fmt.Fprintf(w, "%d\t%s\t%d\theight %d\n", o.OrgId, org.RoleName(o.Role), o.MemberId, o.GrantedHeight)
	}
}

func newQueryAccountCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "account ADDRESS|KEY_NAME",
		Short: "Show an account: its public key, next sequence, the member whose own key it is, and that member's roles",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := resolveAddress(cmd, args[0])
			if err != nil {
				return err
			}
			var info orgv1.AccountInfo
			return runQuery(cmd, fmt.Sprintf("/account/%X", addr), &info, func(w io.Writer) {
				fmt.Fprintf(w, "account\t%X\npub key\t%x\nnext sequence\t%d\n", info.Account.Address, info.Account.PubKey, info.Account.Sequence)
				if info.MemberId == 0 {
					fmt.Fprintln(w, "member\tnone (no member's own key: it holds no role)")
				} else {
					fmt.Fprintf(w, "member\t%d\n", info.MemberId)
				}
				printOfficers(w, info.Roles)
			})
		},
	}
}
