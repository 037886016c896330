package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/partychain/partychain/cmd/internal/keyring"
)

// envKeyringPassphrase, when set and not empty, answers every keyring
// passphrase prompt (scripts, CI). Prefer --keyring-backend test for
// throwaway keys.
const envKeyringPassphrase = "PARTYCHAIN_KEYRING_PASSPHRASE"

// keysMaxImportSize bounds the size of a file given to `keys import`.
const keysMaxImportSize = 64 << 10

// newKeysCmd returns the `keys` command group. It reads the root's
// persistent flags home, keyring-backend and output.
func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage the account keys (ed25519) in the local keyring",
		Long: `Manage the account keys (ed25519) in the local keyring.

Keys live in <home>/keyring-<backend>/<name>.json (directory 0700, files 0600).

Backends (--keyring-backend):
  file  the default: each private key is encrypted with a passphrase (scrypt +
        XChaCha20-Poly1305). The passphrase is asked for on the terminal, or
        taken from $` + envKeyringPassphrase + ` if that is set.
  test  private keys are stored UNENCRYPTED. For scripts, CI and local
        testnets only; never for a key that controls anything of value.

Key names: 1 to 64 characters from a-z A-Z 0-9 _ . - starting with a letter or digit.`,
	}
	cmd.AddCommand(
		newKeysAddCmd(),
		newKeysListCmd(),
		newKeysShowCmd(),
		newKeysExportCmd(),
		newKeysImportCmd(),
		newKeysDeleteCmd(),
	)
	return cmd
}

func newKeysAddCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "add <name>",
		Short: "Generate a new key and store it under <name>",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			info, err := kr.Add(args[0])
			if err != nil {
				return err
			}
			if kr.Backend() == keyring.BackendTest {
				fmt.Fprintln(cmd.ErrOrStderr(),
					"WARNING: the test keyring backend stores this private key UNENCRYPTED in "+kr.Dir())
			}
			return keysPrintInfos(cmd, format, []keyring.Info{info}, false)
		},
	}
}

func newKeysListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the keys in the keyring",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			infos, err := kr.List()
			if err != nil {
				return err
			}
			if len(infos) == 0 && format == "text" {
				fmt.Fprintf(cmd.ErrOrStderr(), "No keys in %s\n", kr.Dir())
				return nil
			}
			return keysPrintInfos(cmd, format, infos, true)
		},
	}
}

func newKeysShowCmd() *cobra.Command {
	var addressOnly bool
	c := &cobra.Command{
		Use:   "show <name>",
		Short: "Show the name, address and public key of a key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			info, err := kr.Show(args[0])
			if err != nil {
				return err
			}
			if addressOnly {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), info.AddressHex())
				return err
			}
			return keysPrintInfos(cmd, format, []keyring.Info{info}, false)
		},
	}
	c.Flags().BoolVar(&addressOnly, "address", false, "print only the address (upper-case hex)")
	return c
}

func newKeysExportCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "export <name>",
		Short: "Export a key as a passphrase-encrypted blob",
		Long: `Export a key as a JSON blob encrypted with an export passphrase (asked for
with confirmation, whatever the backend). The blob goes to stdout, or to
--out FILE (created with mode 0600; an existing file is not overwritten).
Import it with: partychaind keys import <name> <file>`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			if out != "" {
				// Fail on an existing file before asking for passphrases.
				if _, err := os.Lstat(out); err == nil {
					return fmt.Errorf("%s already exists: choose another --out or remove it first", out)
				}
			}
			blob, err := kr.Export(args[0])
			if err != nil {
				return err
			}
			if out == "" {
				_, err := cmd.OutOrStdout().Write(blob)
				return err
			}
			if err := writeNewFile(out, blob); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Exported key %q to %s\n", args[0], out)
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "write the export blob to this file (mode 0600) instead of stdout")
	return c
}

func newKeysImportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "import <name> <file>",
		Short: "Import a key from an export blob and store it under <name>",
		Long: `Import a key from a blob made by 'keys export'. The blob's passphrase is
asked for; with the file backend a new passphrase for the stored key is asked
for as well.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			blob, err := readFileAtMost(args[1], keysMaxImportSize)
			if err != nil {
				return err
			}
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			info, err := kr.Import(args[0], blob)
			if err != nil {
				return err
			}
			return keysPrintInfos(cmd, format, []keyring.Info{info}, false)
		},
	}
}

func newKeysDeleteCmd() *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "delete <name>",
		Short: "Delete a key from the keyring",
		Long: `Delete a key from the keyring. Unless --yes is given, asks for confirmation
on the terminal; without a terminal, --yes is required. A deleted key cannot be
recovered unless it was exported.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			kr, err := openKeyring(cmd)
			if err != nil {
				return err
			}
			name := args[0]
			if !yes {
				info, err := kr.Show(name)
				if err != nil && !errors.Is(err, keyring.ErrCorrupt) {
					return err
				}
				in, ok := keysTerminal(cmd)
				if !ok {
					return fmt.Errorf("refusing to delete key %q without confirmation: stdin is not a terminal (pass --yes)", name)
				}
				what := fmt.Sprintf("key %q", name)
				if err == nil {
					what = fmt.Sprintf("key %q (address %s)", name, info.AddressHex())
				}
				fmt.Fprintf(cmd.ErrOrStderr(),
					"Delete %s from %s? It cannot be recovered unless exported. [y/N]: ", what, kr.Dir())
				line, rerr := bufio.NewReader(in).ReadString('\n')
				if rerr != nil && !errors.Is(rerr, io.EOF) {
					return fmt.Errorf("read confirmation: %w", rerr)
				}
				switch strings.ToLower(strings.TrimSpace(line)) {
				case "y", "yes":
				default:
					return fmt.Errorf("key %q not deleted", name)
				}
			}
			if err := kr.Delete(name); err != nil {
				return err
			}
			if format == "json" {
				return printJSON(cmd, map[string]any{"name": name, "deleted": true})
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Deleted key %q\n", name)
			return err
		},
	}
	c.Flags().BoolVar(&yes, "yes", false, "delete without asking for confirmation")
	return c
}

// openKeyring opens the keyring selected by the root's persistent flags
// --home and --keyring-backend, with the CLI passphrase function. Other
// commands (tx signing) use it too.
func openKeyring(cmd *cobra.Command) (*keyring.Keyring, error) {
	home, err := cmd.Flags().GetString("home")
	if err != nil {
		return nil, fmt.Errorf("flag --home: %w", err)
	}
	if home == "" {
		return nil, errors.New("no home directory: set --home or PARTYCHAIN_HOME")
	}
	backend, err := cmd.Flags().GetString("keyring-backend")
	if err != nil {
		return nil, fmt.Errorf("flag --keyring-backend: %w", err)
	}
	if backend == "" {
		backend = keyring.BackendFile
	}
	return keyring.Open(home, backend, keysPassphraseFunc(cmd))
}

// keysPassphraseFunc returns the CLI's keyring.PassphraseFunc: the
// environment variable PARTYCHAIN_KEYRING_PASSPHRASE if set and not empty
// (used for every prompt, new passphrases included), else the terminal
// (twice for a new passphrase), else an error.
func keysPassphraseFunc(cmd *cobra.Command) keyring.PassphraseFunc {
	return func(prompt string, confirm bool) ([]byte, error) {
		if v := os.Getenv(envKeyringPassphrase); v != "" {
			return []byte(v), nil
		}
		in, ok := keysTerminal(cmd)
		if !ok {
			return nil, fmt.Errorf("a keyring passphrase is needed but stdin is not a terminal: "+
				"set %s, or use --keyring-backend test for throwaway keys", envKeyringPassphrase)
		}
		fd := int(in.Fd())
		errOut := cmd.ErrOrStderr()
		p, err := keysReadPassword(fd, errOut, prompt+": ")
		if err != nil {
			return nil, err
		}
		if confirm {
			again, err := keysReadPassword(fd, errOut, "Repeat the passphrase: ")
			if err != nil {
				keysWipe(p)
				return nil, err
			}
			same := bytes.Equal(p, again)
			keysWipe(again)
			if !same {
				keysWipe(p)
				return nil, errors.New("the passphrases do not match")
			}
		}
		return p, nil
	}
}

// keysReadPassword reads a line without echo, restoring the terminal if
// the user interrupts.
func keysReadPassword(fd int, errOut io.Writer, prompt string) ([]byte, error) {
	fmt.Fprint(errOut, prompt)
	if state, err := term.GetState(fd); err == nil {
		sig := make(chan os.Signal, 1)
		done := make(chan struct{})
		signal.Notify(sig, os.Interrupt)
		go func() {
			select {
			case <-sig:
				_ = term.Restore(fd, state)
				fmt.Fprintln(errOut)
				os.Exit(130)
			case <-done:
			}
		}()
		defer func() {
			signal.Stop(sig)
			close(done)
		}()
	}
	p, err := term.ReadPassword(fd)
	fmt.Fprintln(errOut)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	return p, nil
}

// keysTerminal returns the command's stdin if it is a terminal.
func keysTerminal(cmd *cobra.Command) (*os.File, bool) {
	f, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, false
	}
	return f, true
}

// keysPrintInfos prints keys as a table (text) or JSON: an array when
// asList, else the single object.
func keysPrintInfos(cmd *cobra.Command, format string, infos []keyring.Info, asList bool) error {
	if format == "json" {
		if !asList && len(infos) == 1 {
			return printJSON(cmd, infos[0].JSON())
		}
		out := make([]keyring.InfoJSON, 0, len(infos))
		for _, i := range infos {
			out = append(out, i.JSON())
		}
		return printJSON(cmd, out)
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tADDRESS\tPUB_KEY")
	for _, i := range infos {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", i.Name, i.AddressHex(), i.PubKeyHex())
	}
	return tw.Flush()
}

func keysWipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
