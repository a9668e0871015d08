ALTER TYPE "public"."one_time_token_kind" ADD VALUE 'cancel_email_change';--> statement-breakpoint
ALTER TABLE "one_time_tokens" ADD COLUMN "credentials_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "credentials_version" integer DEFAULT 0 NOT NULL;