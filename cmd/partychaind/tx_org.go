package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func newTxOrgCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "org", Short: "Organizations and officer roles"}

	var parent uint64
	var kind, name string
	create := &cobra.Command{
		Use:   "create --parent ID --kind KIND --name NAME",
		Short: "Create an organization (kind: committee, general-branch, branch, group)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := org.ParseKind(kind)
			if err != nil {
				return err
			}
			return sendTx(cmd, &orgv1.MsgCreateOrg{ParentId: parent, Kind: k, Name: name})
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
		Use:   "grant-role ORG_ID ROLE PUBKEY|KEY_NAME",
		Short: "Grant a role (secretary, deputy-secretary, organization-officer, dues-clerk, discipline-officer, publicity-officer)",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, role, err := parseOrgRole(args[0], args[1])
			if err != nil {
				return err
			}
			pub, err := resolvePubKey(cmd, args[2])
			if err != nil {
				return err
			}
			return sendTx(cmd, &orgv1.MsgGrantRole{OrgId: id, Role: role, PubKey: pub})
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke-role ORG_ID ROLE ADDRESS|KEY_NAME",
		Short: "Revoke a role",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, role, err := parseOrgRole(args[0], args[1])
			if err != nil {
				return err
			}
			addr, err := resolveAddress(cmd, args[2])
			if err != nil {
				return err
			}
			return sendTx(cmd, &orgv1.MsgRevokeRole{OrgId: id, Role: role, Address: addr})
		},
	}
	cmd.AddCommand(create, rename, dissolve, grant, revoke)
	return cmd
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
