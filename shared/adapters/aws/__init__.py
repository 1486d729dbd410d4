"""AWS adapters: SQS queue, S3 blob store, Secrets Manager (boto3 clients injected)."""
