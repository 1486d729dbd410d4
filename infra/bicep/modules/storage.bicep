// Two accounts: the Functions host's (AzureWebJobsStorage, the deployment package) and the
// tenants' blobs (photos, imports, sync-job payloads) with lifecycle rules. No shared keys:
// every client authenticates with Entra ID.
param name string
param location string
param blobContainer string
param deploymentContainer string

var accountSettings = {
  minimumTlsVersion: 'TLS1_2'
  allowBlobPublicAccess: false
  allowSharedKeyAccess: false
  supportsHttpsTrafficOnly: true
  defaultToOAuthAuthentication: true
  publicNetworkAccess: 'Enabled'
  networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  encryption: {
    requireInfrastructureEncryption: true
    keySource: 'Microsoft.Storage'
    services: { blob: { enabled: true }, file: { enabled: true } }
  }
}

resource host 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  //checkov:skip=CKV_AZURE_35:Flex Consumption reaches it over the public endpoint unless the app joins a virtual network; access is Entra ID only (docs/operations.md, 'Private networking')
  //checkov:skip=CKV_AZURE_59:Flex Consumption reaches it over the public endpoint unless the app joins a virtual network; access is Entra ID only (docs/operations.md, 'Private networking')
  //checkov:skip=CKV_AZURE_206:Zone-redundant is enough for the host's leases and deployment package, both rebuilt by a deploy
  //checkov:skip=CKV_AZURE_43:The name is take('st<name>host', 24) of lower-case letters and digits; checkov cannot evaluate the expression
  name: take('st${replace(name, '-', '')}host', 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: accountSettings
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: host
  name: 'default'
}

resource deployment 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: hostBlobs
  name: deploymentContainer
  properties: { publicAccess: 'None' }
}

resource data 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  //checkov:skip=CKV_AZURE_35:Browsers and field apps fetch photos with short-lived user-delegation SAS links on the public endpoint; no shared keys, no anonymous access
  //checkov:skip=CKV_AZURE_59:As CKV_AZURE_35: SAS links from browsers need the public endpoint
  //checkov:skip=CKV_AZURE_43:The name is take('st<name>data', 24) of lower-case letters and digits; checkov cannot evaluate the expression
  name: take('st${replace(name, '-', '')}data', 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_GZRS' }  // tenants' photos and imports: geo- and zone-redundant
  properties: accountSettings
}

resource dataBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: data
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 30 }
    containerDeleteRetentionPolicy: { enabled: true, days: 30 }
    isVersioningEnabled: true
  }
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: dataBlobs
  name: blobContainer
  properties: { publicAccess: 'None' }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: data
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'cool-after-90-days'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ], prefixMatch: [ '${blobContainer}/tenants/' ] }
            actions: { baseBlob: { tierToCool: { daysAfterModificationGreaterThan: 90 } } }
          }
        }
        {
          name: 'old-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: [ 'blockBlob' ] }
            actions: { version: { delete: { daysAfterCreationGreaterThan: 30 } } }
          }
        }
      ]
    }
  }
}

output hostAccountName string = host.name
output hostAccountId string = host.id
output dataAccountName string = data.name
output dataAccountId string = data.id
output dataBlobEndpoint string = data.properties.primaryEndpoints.blob
output deploymentContainerUrl string = '${host.properties.primaryEndpoints.blob}${deploymentContainer}'
