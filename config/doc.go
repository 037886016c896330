// Package config is the application's own configuration, app.toml, kept
// beside CometBFT's config.toml in <home>/config. It owns the structs, their
// defaults and validation, and loading and writing the file.
//
// It must never do I/O beyond reading and writing that file, and nothing in
// it may influence a state transition: every node must compute the same app
// hash whatever its app.toml says.
package config
