// WellOS on Azure: one resource group per environment.
//   az deployment group create -g rg-wellos-dev -f infra/bicep/main.bicep -p infra/bicep/dev.bicepparam
// App settings: app-settings.json (the one source); queues: queues.json; sizes: the .bicepparam
// files, from the connection budget in docs/operations.md.
targetScope = 'resourceGroup'

@allowed([ 'dev', 'prod' ])
param environmentName string
param location string = resourceGroup().location
@description('Tenants live at {slug}.{baseDomain}.')
param baseDomain string
param postgresAdminLogin string = 'wellos_admin'
@secure()
param postgresAdminPassword string
param postgresSkuName string
param postgresSkuTier string
param postgresHighAvailability bool
@description('Server limit of the connection budget (docs/operations.md).')
param postgresMaxConnections int
param pgbouncerPoolSize int
param pgbouncerMaxClientConnections int
param functionMaxInstances int
param functionInstanceMemoryMB int = 2048
param httpPerInstanceConcurrency int
param serviceBusSku string = 'Standard'
param logRetentionDays int = 30
param alertEmail string = ''
@description('Key Vault secret id of the certificate for *.{baseDomain} and {baseDomain}; with it, the office app is deployed behind Front Door (modules/web.bicep).')
param webCertificateSecretId string = ''
@description('Where Azure Communication Services (the notification e-mail) keeps its data.')
param communicationDataLocation string = 'United States'

var name = 'wellos-${environmentName}'
var settingsFile = loadJsonContent('app-settings.json')
var blobContainer = settingsFile.settings.WELLOS_BLOB_CONTAINER
var deploymentContainer = 'deployment'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { name: name, location: location, retentionDays: logRetentionDays }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: name
    location: location
    blobContainer: blobContainer
    deploymentContainer: deploymentContainer
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: { name: name, location: location, sku: serviceBusSku }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: name
    location: location
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    highAvailability: postgresHighAvailability
    adminLogin: postgresAdminLogin
    adminPassword: postgresAdminPassword
    maxConnections: postgresMaxConnections
    pgbouncerPoolSize: pgbouncerPoolSize
    pgbouncerMaxClientConnections: pgbouncerMaxClientConnections
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: name
    location: location
    logAnalyticsId: monitoring.outputs.workspaceId
    // PgBouncer's port: every app connection goes through the pooler.
    databaseUrl: 'postgresql://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.outputs.fullyQualifiedDomainName}:6432/${postgres.outputs.masterDatabase}'
  }
}

// Notification e-mail (WELLOS_NOTIFIER acs): ACS Email on an Azure-managed domain; the
// access key is a vault secret the app setting references.
module communication 'modules/communication.bicep' = {
  name: 'communication'
  params: {
    name: name
    dataLocation: communicationDataLocation
    keyVaultName: keyVault.outputs.vaultName
  }
}

// Each {{placeholder}} of app-settings.json, filled from what this deployment created.
var appSettings = json(replace(replace(replace(replace(replace(replace(replace(replace(replace(
  string(settingsFile.settings),
  '{{hostStorageAccount}}', storage.outputs.hostAccountName),
  '{{appInsightsConnectionString}}', monitoring.outputs.connectionString),
  '{{serviceBusNamespace}}', serviceBus.outputs.fullyQualifiedNamespace),
  '{{baseDomain}}', baseDomain),
  '{{blobEndpoint}}', storage.outputs.dataBlobEndpoint),
  '{{keyVaultUri}}', keyVault.outputs.vaultUri),
  '{{acsEndpoint}}', communication.outputs.endpoint),
  '{{acsSender}}', communication.outputs.sender),
  '{{acsAccessKeySecretUri}}', communication.outputs.accessKeySecretUri))

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: name
    location: location
    appSettings: appSettings
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    maximumInstanceCount: functionMaxInstances
    instanceMemoryMB: functionInstanceMemoryMB
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: functionApp.outputs.principalId
    hostStorageName: storage.outputs.hostAccountName
    dataStorageName: storage.outputs.dataAccountName
    serviceBusName: serviceBus.outputs.namespaceName
    keyVaultName: keyVault.outputs.vaultName
    insightsName: monitoring.outputs.insightsName
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    name: name
    serviceBusId: serviceBus.outputs.namespaceId
    queueNames: serviceBus.outputs.queueNames
    insightsId: monitoring.outputs.insightsId
    alertEmail: alertEmail
  }
}

// The office app: static files and the API on each tenant's host, behind Front Door.
module web 'modules/web.bicep' = if (!empty(webCertificateSecretId)) {
  name: 'web'
  params: {
    name: name
    location: location
    baseDomain: baseDomain
    functionHostName: functionApp.outputs.defaultHostName
    certificateSecretId: webCertificateSecretId
    logAnalyticsId: monitoring.outputs.workspaceId
  }
}

output functionAppName string = functionApp.outputs.appName
output functionAppHostName string = functionApp.outputs.defaultHostName
output deploymentContainerUrl string = storage.outputs.deploymentContainerUrl
output postgresServer string = postgres.outputs.fullyQualifiedDomainName
output keyVaultUri string = keyVault.outputs.vaultUri
output officeAppStorageAccount string = empty(webCertificateSecretId) ? '' : web.outputs.storageAccountName
output officeAppDnsTarget string = empty(webCertificateSecretId) ? '' : web.outputs.dnsTarget
