// Azure Communication Services Email for the `acs` notifier: an Email Service with an
// Azure-managed domain (DoNotReply@<guid>.azurecomm.net), linked to a Communication
// Services resource whose endpoint the app calls. Its access key goes into the vault as
// `acs-access-key`; the app setting WELLOS_ACS_ACCESS_KEY is a Key Vault reference to it,
// resolved by the Functions platform with the app's identity (Key Vault Secrets Officer).
// A custom sender domain is an operator option (docs/operations.md, "Notifications").
param name string
@description('Where ACS keeps its data at rest (a geography, e.g. United States, Europe).')
param dataLocation string
param keyVaultName string

var accessKeySecretName = 'acs-access-key'

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: 'ecs-${name}'
  location: 'global'
  properties: { dataLocation: dataLocation }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: 'acs-${name}'
  location: 'global'
  properties: {
    dataLocation: dataLocation
    linkedDomains: [ managedDomain.id ]
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource accessKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  //checkov:skip=CKV_AZURE_41:The key changes when an operator regenerates it (docs/operations.md, key rotation), not on a date; an expiry would stop every notification
  parent: vault
  name: accessKeySecretName
  properties: {
    value: communication.listKeys().primaryKey
    contentType: 'Azure Communication Services access key (HMAC, base64)'
  }
}

output endpoint string = 'https://${communication.properties.hostName}'
output sender string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
output accessKeySecretUri string = '${vault.properties.vaultUri}secrets/${accessKeySecretName}'
