// The office app as static files: a storage account's static website (the `$web` container)
// behind Azure Front Door on `{baseDomain}` and `*.{baseDomain}`, the API's paths forwarded
// uncached to the Function App with the viewer's Host (the tenant; the Function App has both
// names as custom domains, docs/operations.md). One origin per tenant, as with the local host.
// The static website itself is switched on and filled by the deploy step (not an ARM property):
//   az storage blob service-properties update --account-name <account> --static-website \
//     --index-document index.html --auth-mode login
//   az storage blob upload-batch --account-name <account> -d '$web' -s web/dist --auth-mode login
param name string
param location string
param baseDomain string
param functionHostName string
@description('Key Vault secret id of the certificate for *.{baseDomain} and {baseDomain} (Front Door reads it).')
param certificateSecretId string
param logAnalyticsId string

// As functions/local/office_app.py sends with index.html.
var csp = 'default-src \'self\'; img-src \'self\' data: blob: https:; style-src \'self\' \'unsafe-inline\'; connect-src \'self\'; frame-ancestors \'none\'; base-uri \'self\'; form-action \'self\''
var apiPaths = [ '/api/*', '/docs', '/docs/*', '/redoc', '/openapi.json' ]
var domainNames = [ '*.${baseDomain}', baseDomain ]
var websiteHost = replace(replace(files.properties.primaryEndpoints.web, 'https://', ''), '/', '')

resource files 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  //checkov:skip=CKV_AZURE_35:Front Door reads the static website over its public endpoint (Private Link origins need Front Door Premium); the files are the public app, no data
  //checkov:skip=CKV_AZURE_59:As CKV_AZURE_35: the static website endpoint is Front Door's origin
  //checkov:skip=CKV_AZURE_206:Zone-redundant is enough for files every deploy of the app rewrites
  //checkov:skip=CKV_AZURE_43:The name is take('st<name>web', 24) of lower-case letters and digits; checkov cannot evaluate the expression
  name: take('st${replace(name, '-', '')}web', 24)
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: {
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
}

resource profile 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: 'afd-${name}'
  location: 'global'
  sku: { name: 'Standard_AzureFrontDoor' }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2024-02-01' = {
  parent: profile
  name: 'fde-${name}'
  location: 'global'
  properties: { enabledState: 'Enabled' }
}

resource certificate 'Microsoft.Cdn/profiles/secrets@2024-02-01' = {
  parent: profile
  name: 'tenant-domains'
  properties: {
    parameters: {
      type: 'CustomerCertificate'
      secretSource: { id: certificateSecretId }
      useLatestVersion: true
    }
  }
}

resource domains 'Microsoft.Cdn/profiles/customDomains@2024-02-01' = [for (domain, i) in domainNames: {
  parent: profile
  name: i == 0 ? 'tenants' : 'apex'
  properties: {
    hostName: domain
    tlsSettings: {
      certificateType: 'CustomerCertificate'
      minimumTlsVersion: 'TLS12'
      secret: { id: certificate.id }
    }
  }
}]

resource appOrigins 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'app'
  properties: {
    loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3 }
    healthProbeSettings: { probePath: '/index.html', probeRequestType: 'HEAD', probeProtocol: 'Https', probeIntervalInSeconds: 120 }
  }
}

resource appOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: appOrigins
  name: 'static-website'
  properties: {
    hostName: websiteHost
    originHostHeader: websiteHost
    httpsPort: 443
    enforceCertificateNameCheck: true
  }
}

resource apiOrigins 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: profile
  name: 'api'
  properties: {
    loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3 }
  }
}

resource apiOrigin 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: apiOrigins
  name: 'function-app'
  properties: {
    hostName: functionHostName
    // no origin host header set: the viewer's Host (`acme.{baseDomain}`) goes on, naming the tenant
    httpsPort: 443
    enforceCertificateNameCheck: true
  }
}

resource appRules 'Microsoft.Cdn/profiles/ruleSets@2024-02-01' = {
  parent: profile
  name: 'officeapp'
}

resource securityHeaders 'Microsoft.Cdn/profiles/ruleSets/rules@2024-02-01' = {
  parent: appRules
  name: 'securityHeaders'
  properties: {
    order: 1
    conditions: []
    actions: [for header in [
      { name: 'Content-Security-Policy', value: csp }
      { name: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }
      { name: 'X-Content-Type-Options', value: 'nosniff' }
      { name: 'X-Frame-Options', value: 'DENY' }
      { name: 'Referrer-Policy', value: 'same-origin' }
    ]: {
      name: 'ModifyResponseHeader'
      parameters: {
        typeName: 'DeliveryRuleHeaderActionParameters'
        headerAction: 'Overwrite'
        headerName: header.name
        value: header.value
      }
    }]
    matchProcessingBehavior: 'Continue'
  }
}

// A path without a file extension is one of the app's routes (/wells/42): it gets index.html.
resource spaRoutes 'Microsoft.Cdn/profiles/ruleSets/rules@2024-02-01' = {
  parent: appRules
  name: 'spaRoutes'
  dependsOn: [ securityHeaders ]
  properties: {
    order: 2
    conditions: [
      {
        name: 'UrlFileExtension'
        parameters: {
          typeName: 'DeliveryRuleUrlFileExtensionMatchConditionParameters'
          operator: 'Any'
          negateCondition: true
          matchValues: []
          transforms: []
        }
      }
    ]
    actions: [
      {
        name: 'UrlRewrite'
        parameters: {
          typeName: 'DeliveryRuleUrlRewriteActionParameters'
          sourcePattern: '/'
          destination: '/index.html'
          preserveUnmatchedPath: false
        }
      }
    ]
    matchProcessingBehavior: 'Stop'
  }
}

resource apiRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: endpoint
  name: 'api'
  dependsOn: [ apiOrigin ]
  properties: {
    originGroup: { id: apiOrigins.id }
    customDomains: [for (domain, i) in domainNames: { id: domains[i].id }]
    patternsToMatch: apiPaths
    supportedProtocols: [ 'Https' ]
    httpsRedirect: 'Disabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Disabled'
    // no cacheConfiguration: nothing of the API is cached
  }
}

resource appRoute 'Microsoft.Cdn/profiles/afdEndpoints/routes@2024-02-01' = {
  parent: endpoint
  name: 'app'
  dependsOn: [ appOrigin, spaRoutes ]
  properties: {
    originGroup: { id: appOrigins.id }
    customDomains: [for (domain, i) in domainNames: { id: domains[i].id }]
    patternsToMatch: [ '/*' ]
    supportedProtocols: [ 'Http', 'Https' ]
    httpsRedirect: 'Enabled'
    forwardingProtocol: 'HttpsOnly'
    linkToDefaultDomain: 'Disabled'
    ruleSets: [ { id: appRules.id } ]
    cacheConfiguration: {
      queryStringCachingBehavior: 'IgnoreQueryString'
      compressionSettings: {
        isCompressionEnabled: true
        contentTypesToCompress: [ 'text/html', 'text/css', 'application/javascript', 'text/javascript', 'application/json', 'image/svg+xml' ]
      }
    }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'access'
  scope: profile
  properties: {
    workspaceId: logAnalyticsId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
  }
}

output storageAccountName string = files.name
output profileName string = profile.name
output endpointName string = endpoint.name
@description('Point DNS for both names at this host (CNAME), after validating them in Front Door.')
output dnsTarget string = endpoint.properties.hostName
