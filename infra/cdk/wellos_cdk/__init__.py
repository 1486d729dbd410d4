"""The WellOS AWS stack: HTTP API, Lambdas on SQS and schedules, S3, Secrets Manager, Aurora."""
