-- Webhook signing secrets are stored encrypted (AES-256-GCM, key from CASEFLOW_SECRET_KEY) as
-- 'v1:' and the base64 of nonce, ciphertext and tag: longer than the 200 characters a secret may
-- have, so the column widens. The secrets stored before this were clear text; they are marked
-- 'plain:' here, once, so that start-up can tell them from sealed ones without guessing (a
-- client's clear-text secret could itself begin with 'v1:'), and seals them when a key is set.

ALTER TABLE webhook_subscriptions ALTER COLUMN secret SET DATA TYPE VARCHAR(1000);
UPDATE webhook_subscriptions SET secret = 'plain:' || secret;
