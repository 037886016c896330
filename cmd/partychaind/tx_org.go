package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func newTxOrgCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "org", Short: "Organizations and officer roles"}

	var parent uint64
	var kind, name string
	create := &cobra.Command{
		Use:   "create --parent ID --kind KIND --name NAME",
		Short: "Create an organization (kind: committee, general-branch, branch, group); prints its id",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := org.ParseKind(kind)
			if err != nil {
				return err
			}
			return runCreateOrg(cmd, &orgv1.MsgCreateOrg{ParentId: parent, Kind: k, Name: name})
		},
	}
	create.Flags().Uint64Var(&parent, "parent", 0, "id of the parent organization")
	create.Flags().StringVar(&kind, "kind", "", "committee, general-branch, branch or group")
	create.Flags().StringVar(&name, "name", "", "name of the organization")
	for _, f := range []string{"parent", "kind", "name"} {
		_ = create.MarkFlagRequired(f)
	}

	rename := &cobra.Command{
		Use:   "rename ORG_ID NAME",
		Short: "Rename an organization",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			return sendTx(cmd, &orgv1.MsgRenameOrg{OrgId: id, Name: args[1]})
		},
	}
	dissolve := &cobra.Command{
		Use:   "dissolve ORG_ID",
		Short: "Dissolve an empty organization",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			return sendTx(cmd, &orgv1.MsgDissolveOrg{OrgId: id})
		},
	}
	grant := &cobra.Command{
		Use:   "grant-role ORG_ID ROLE MEMBER_ID",
		Short: "Grant a role (secretary, deputy-secretary, organization-officer, dues-clerk, discipline-officer, publicity-officer) to a member",
		Long: `Grant a role at an organization to a member, by member id. The member's own key then
holds it (and a new own key after a rotation). The member must be an active probationary
or full member with an own key (tx identity rotate-key sets one), and not the signer: nobody
grants a role to themselves.`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, role, member, err := parseOrgRoleMember(args)
			if err != nil {
				return err
			}
			return sendTx(cmd, &orgv1.MsgGrantRole{OrgId: id, Role: role, MemberId: member})
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke-role ORG_ID ROLE MEMBER_ID",
		Short: "Revoke a member's role",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, role, member, err := parseOrgRoleMember(args)
			if err != nil {
				return err
			}
			return sendTx(cmd, &orgv1.MsgRevokeRole{OrgId: id, Role: role, MemberId: member})
		},
	}
	cmd.AddCommand(create, rename, dissolve, grant, revoke)
	return cmd
}

// orgCreated is the output of tx org create with -o json.
type orgCreated struct {
	*client.TxResult
	OrgID uint64 `json:"org_id,omitempty"`
}

// runCreateOrg sends msg and prints the new organization's id, read from
// the tx's result data (the ids it created, which its receipt proves).
func runCreateOrg(cmd *cobra.Command, msg *orgv1.MsgCreateOrg) error {
	res, err := signAndWait(cmd, msg)
	if err != nil {
		return err
	}
	out := orgCreated{TxResult: res}
	var idErr error
	if res.OK() {
		ids, err := res.CreatedIDs("org")
		switch {
		case err != nil:
			idErr = err
		case len(ids) != 1:
			idErr = fmt.Errorf("tx %s is in block %d but its result names %d new organizations, not 1", res.Hash, res.Height, len(ids))
		default:
			out.OrgID = ids[0]
		}
	}
	if isJSON(cmd) {
		if err := printJSON(cmd, out); err != nil {
			return err
		}
	} else {
		if out.OrgID != 0 {
			fmt.Fprintf(cmd.OutOrStdout(), "organization id: %d\n", out.OrgID)
		}
		if err := printTxResult(cmd, res); err != nil {
			return err
		}
	}
	if !res.OK() {
		return &rejectedError{res: res}
	}
	return idErr
}

// parseOrgRoleMember reads ORG_ID ROLE MEMBER_ID.
func parseOrgRoleMember(args []string) (uint64, orgv1.Role, uint64, error) {
	id, role, err := parseOrgRole(args[0], args[1])
	if err != nil {
		return 0, 0, 0, err
	}
	member, err := strconv.ParseUint(args[2], 10, 64)
	if err != nil || member == 0 {
		return 0, 0, 0, fmt.Errorf("member id %q must be a whole number from 1: roles are granted to members, not keys", args[2])
	}
	return id, role, member, nil
}

func parseID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("organization id %q must be a whole number from 1", s)
	}
	return id, nil
}

func parseOrgRole(idArg, roleArg string) (uint64, orgv1.Role, error) {
	id, err := parseID(idArg)
	if err != nil {
		return 0, 0, err
	}
	role, err := org.ParseRole(roleArg)
	return id, role, err
}
