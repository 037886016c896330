package main

import (
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/keyring"
	"github.com/partychain/partychain/cmd/internal/story"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// storyNames maps the addresses of this home's keys to their names, for
// the history story. A home without a keyring (or one that cannot be read)
// gives no names: signers are then shown by short address.
func storyNames(cmd *cobra.Command) story.Names {
	names := story.Names{}
	home, _ := cmd.Flags().GetString("home")
	backend, _ := cmd.Flags().GetString("keyring-backend")
	if backend == "" {
		backend = keyring.BackendFile
	}
	if home == "" {
		return names
	}
	if _, err := os.Stat(filepath.Join(home, "keyring-"+backend)); err != nil {
		return names // do not create a keyring just to read a history
	}
	kr, err := keyring.Open(home, backend, nil)
	if err != nil {
		return names
	}
	infos, err := kr.List()
	if err != nil {
		return names
	}
	for _, i := range infos {
		names[i.AddressHex()] = i.Name
	}
	return names
}

// storyZone is the consortium calendar's zone from the chain's org params,
// or +08:00 if they cannot be read.
func storyZone(cmd *cobra.Command) *time.Location {
	c, err := rpcClient(cmd)
	if err != nil {
		return story.Zone(story.DefaultOffsetMinutes)
	}
	var p orgv1.Params
	if _, err := c.QueryInto(cmd.Context(), "/org/params", &p); err != nil {
		return story.Zone(story.DefaultOffsetMinutes)
	}
	return story.Zone(p.CalendarUtcOffsetMinutes)
}
