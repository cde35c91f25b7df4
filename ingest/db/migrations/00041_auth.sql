-- +goose Up
-- Accounts: when each user last logged in, and the lookups the token and OIDC paths make.
ALTER TABLE users ADD COLUMN last_login_at timestamptz;
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

-- +goose Down
DROP INDEX IF EXISTS api_tokens_user;
ALTER TABLE users DROP COLUMN IF EXISTS last_login_at;
