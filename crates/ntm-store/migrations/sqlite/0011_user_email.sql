-- An optional e-mail address per account, for dossier notifications sent through SMTP
-- when the server is configured for it (NTM_SMTP_HOST). NULL: no e-mail is sent.
ALTER TABLE users ADD COLUMN email TEXT;
