// Package clientconfig owns the client's settings file, <home>/config/client.toml:
// the keyring backend, the node, the chain id and the output format a
// clerk sets once for a home instead of on every command. A setting is
// taken from, in order: the command-line flag, the environment variable,
// the file, the built-in default (Resolve).
//
// The file holds no secret (never a passphrase) and nothing personal; it
// is written once by init and then only by the user.
package clientconfig
