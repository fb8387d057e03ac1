// Partner forums: boards, threads, posts shared between companies.
// The module exists so the dependency graph of DESIGN.md is in place; it has no types yet.
