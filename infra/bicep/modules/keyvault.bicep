// Key Vault (RBAC authorization) for the server keys, the master URL and tenant secrets.
param name string
param location string
param logAnalyticsId string
@secure()
param databaseUrl string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  //checkov:skip=CKV_AZURE_109:Flex Consumption reaches it over the public endpoint unless the app joins a virtual network; access is Entra ID only (docs/operations.md, 'Private networking')
  //checkov:skip=CKV_AZURE_189:Flex Consumption reaches it over the public endpoint unless the app joins a virtual network; access is Entra ID only (docs/operations.md, 'Private networking')
  name: take('kv-${name}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  //checkov:skip=CKV_AZURE_41:The master URL changes when the key-rotation runbook rotates the admin password, not on a date; an expiry would stop the platform
  parent: vault
  name: 'database--url'  // the vault name of 'database-url' (shared/adapters/azure/key_vault_secrets.py: '-' is '--')
  properties: {
    value: databaseUrl
    contentType: 'postgresql URL of the master registry (through PgBouncer)'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit'
  scope: vault
  properties: {
    workspaceId: logAnalyticsId
    logs: [ { categoryGroup: 'audit', enabled: true } ]
  }
}

output vaultId string = vault.id
output vaultName string = vault.name
output vaultUri string = vault.properties.vaultUri
