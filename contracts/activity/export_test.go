package activity

// Passes is passes, for the quorum arithmetic's table test.
var Passes = passes
