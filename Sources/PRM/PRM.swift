// Partner relationship management: leads, deal registration, joint promotions (issue 5).
// The module exists so the dependency graph of DESIGN.md is in place; it has no types yet.
