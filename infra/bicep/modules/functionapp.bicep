// The Function App on Flex Consumption: Python 3.11, system-assigned identity, the app
// settings of app-settings.json (filled in by main.bicep), the package from the host account.
param name string
param location string
param appSettings object
param deploymentContainerUrl string
param maximumInstanceCount int
param instanceMemoryMB int
param httpPerInstanceConcurrency int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  //checkov:skip=CKV_AZURE_225:Flex Consumption places instances itself; zone redundancy is a per-region option of the plan left to the operator (docs/operations.md)
  name: 'asp-${name}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  //checkov:skip=CKV_AZURE_222:The public HTTP API of every tenant subdomain; it authenticates each request itself
  //checkov:skip=CKV_AZURE_17:Browsers, field apps and gateways authenticate with bearer tokens and signatures, not client certificates
  //checkov:skip=CKV_AZURE_212:Scale from zero is chosen; prod can add always-ready instances (functionAppConfig.scaleAndConcurrency.alwaysReady) when cold starts matter
  //checkov:skip=CKV_AZURE_213:Flex Consumption has no App Service health check; Application Insights availability and the failure alert watch /api/v1/health
  name: 'func-${name}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertMode: 'Optional'
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        triggers: { http: { perInstanceConcurrency: httpPerInstanceConcurrency } }
      }
      runtime: { name: 'python', version: '3.11' }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  //checkov:skip=CKV_AZURE_13:This resource holds app settings only (Microsoft.Web/sites/config 'appsettings'); checkov reads it as a siteConfig
  //checkov:skip=CKV_AZURE_63:This resource holds app settings only (Microsoft.Web/sites/config 'appsettings'); checkov reads it as a siteConfig
  //checkov:skip=CKV_AZURE_65:This resource holds app settings only (Microsoft.Web/sites/config 'appsettings'); checkov reads it as a siteConfig
  //checkov:skip=CKV_AZURE_66:This resource holds app settings only (Microsoft.Web/sites/config 'appsettings'); checkov reads it as a siteConfig
  //checkov:skip=CKV_AZURE_80:This resource holds app settings only (Microsoft.Web/sites/config 'appsettings'); checkov reads it as a siteConfig
  //checkov:skip=CKV_AZURE_88:This resource holds app settings only (Microsoft.Web/sites/config 'appsettings'); checkov reads it as a siteConfig
  //checkov:skip=CKV_AZURE_222:This resource holds app settings only (Microsoft.Web/sites/config 'appsettings'); checkov reads it as a siteConfig
  parent: app
  name: 'appsettings'
  properties: appSettings
}

resource basicPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

output appId string = app.id
output appName string = app.name
output principalId string = app.identity.principalId
output defaultHostName string = app.properties.defaultHostName
