-- Won deals count for their promotion. An opportunity attributed to a promotion (by code, by tag, or
-- inherited from the lead it was converted from) records on its attribution row what it was won for,
-- so the promotion's owner can add it to the promotion's revenue without reading the participant's
-- opportunity itself.

ALTER TABLE hub.promotion_attributions
    ADD COLUMN won_amount   numeric(19, 4) CHECK (won_amount >= 0),
    ADD COLUMN won_currency text CHECK (won_currency ~ '^[A-Z]{3}$'),
    ADD COLUMN won_at       timestamptz,
    ADD CONSTRAINT promotion_attributions_win_complete
        CHECK ((won_amount IS NULL) = (won_at IS NULL) AND (won_amount IS NULL) = (won_currency IS NULL)),
    ADD CONSTRAINT promotion_attributions_win_is_a_deal CHECK (won_at IS NULL OR object_type = 'opportunity');

CREATE INDEX promotion_attributions_wins ON hub.promotion_attributions (promotion_owner_tenant_id, promotion_id, won_at)
    WHERE won_at IS NOT NULL;

-- Only the win columns change, and only on the tenant's own rows, whatever became of its participation.
GRANT UPDATE (won_amount, won_currency, won_at) ON hub.promotion_attributions TO hub_app;
CREATE POLICY promotion_attributions_win ON hub.promotion_attributions FOR UPDATE TO hub_app
    USING (tenant_id = hub.current_tenant())
    WITH CHECK (tenant_id = hub.current_tenant());
