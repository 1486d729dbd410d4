using './main.bicep'

// prod: General Purpose D4ds_v5, zone-redundant HA (budget: docs/operations.md).
param environmentName = 'prod'
param baseDomain = 'wellos.example.com'
param postgresAdminPassword = readEnvironmentVariable('WELLOS_PG_ADMIN_PASSWORD')
param postgresSkuName = 'Standard_D4ds_v5'
param postgresSkuTier = 'GeneralPurpose'
param postgresHighAvailability = true
param postgresMaxConnections = 800
param pgbouncerPoolSize = 10
param pgbouncerMaxClientConnections = 5000
param functionMaxInstances = 40
param httpPerInstanceConcurrency = 8
param logRetentionDays = 90
param alertEmail = readEnvironmentVariable('WELLOS_ALERT_EMAIL', '')
