-- Merging duplicate leads: the duplicates stay (their history is evidence) but leave the
-- working lists, pointing at the lead they were merged into.

ALTER TYPE hub.lead_status ADD VALUE 'merged';
ALTER TABLE hub.leads ADD COLUMN merged_into_lead_id uuid;
ALTER TABLE hub.leads ADD FOREIGN KEY (tenant_id, merged_into_lead_id) REFERENCES hub.leads (tenant_id, id);
