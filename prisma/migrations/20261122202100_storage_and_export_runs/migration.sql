-- CreateEnum
CREATE TYPE "StorageKind" AS ENUM ('S3', 'LOCAL');

-- AlterTable
ALTER TABLE "storage_settings" ADD COLUMN     "kind" "StorageKind" NOT NULL DEFAULT 'S3',
ADD COLUMN     "last_test_code" VARCHAR(64),
ALTER COLUMN "region" DROP NOT NULL,
ALTER COLUMN "bucket" DROP NOT NULL,
ALTER COLUMN "access_key_id" DROP NOT NULL,
ALTER COLUMN "secret_encrypted" DROP NOT NULL;

-- AlterTable
ALTER TABLE "platform_settings" ADD COLUMN     "key_check" BYTEA;

-- AlterTable
ALTER TABLE "data_export" ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3);


-- One export at a time per org: a second PENDING or RUNNING export of the same org violates this
-- index, so concurrent triggers cannot both succeed. Prisma's schema language cannot express a
-- partial index; packages/db/src/migrations.test.ts lists it as hand-written.
CREATE UNIQUE INDEX "data_export_one_active_per_org" ON "data_export"("org_id") WHERE "status" IN ('PENDING', 'RUNNING');
