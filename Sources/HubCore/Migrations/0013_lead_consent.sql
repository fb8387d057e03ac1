-- The lawful basis for holding a lead's personal data travels with the lead: required before names,
-- e-mail or phone are offered to a partner, and copied to the partner's own copy on accept.
ALTER TABLE hub.leads
    ADD COLUMN consent_basis text CHECK (consent_basis IN ('consent', 'legitimate_interest', 'contract')),
    ADD COLUMN consent_captured_at timestamptz,
    ADD COLUMN consent_ref text CHECK (length(consent_ref) <= 200),
    ADD CONSTRAINT leads_consent_has_basis CHECK (consent_basis IS NOT NULL OR (consent_captured_at IS NULL AND consent_ref IS NULL));
