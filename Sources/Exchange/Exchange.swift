// The EDI/XML exchange pipeline: receive, store, acknowledge, translate, apply.
// The module exists so the dependency graph of DESIGN.md is in place; it has no types yet.
