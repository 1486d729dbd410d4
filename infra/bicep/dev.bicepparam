using './main.bicep'

// dev: Burstable B2s (max_connections 429 by default; budget: docs/operations.md).
param environmentName = 'dev'
param baseDomain = 'dev.wellos.example.com'
param postgresAdminPassword = readEnvironmentVariable('WELLOS_PG_ADMIN_PASSWORD')
param postgresSkuName = 'Standard_B2s'
param postgresSkuTier = 'Burstable'
param postgresHighAvailability = false
param postgresMaxConnections = 200
param pgbouncerPoolSize = 5
param pgbouncerMaxClientConnections = 2000
param functionMaxInstances = 10
param httpPerInstanceConcurrency = 8
param alertEmail = readEnvironmentVariable('WELLOS_ALERT_EMAIL', '')
