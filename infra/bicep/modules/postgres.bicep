// PostgreSQL Flexible Server for the master registry and every tenant database, with the
// built-in PgBouncer (port 6432, transaction pooling) in front of it. The pool sizes come from
// the connection budget in docs/operations.md.
param name string
param location string
param skuName string
param skuTier string
param highAvailability bool
param adminLogin string
@secure()
param adminPassword string
param maxConnections int
param pgbouncerPoolSize int
param pgbouncerMaxClientConnections int

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: 'psql-${name}'
  location: location
  sku: { name: skuName, tier: skuTier }
  properties: {
    version: '16'
    administratorLogin: adminLogin
    administratorLoginPassword: adminPassword
    storage: { storageSizeGB: 64, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 14, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: highAvailability ? 'ZoneRedundant' : 'Disabled' }
    network: { publicNetworkAccess: 'Enabled' }
    authConfig: { activeDirectoryAuth: 'Enabled', passwordAuth: 'Enabled' }
  }
}

// Server parameters are applied one after another: the service refuses concurrent updates.
resource connections 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'max_connections'
  properties: { value: string(maxConnections), source: 'user-override' }
}

resource pgbouncer 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'pgbouncer.enabled'
  properties: { value: 'true', source: 'user-override' }
  dependsOn: [ connections ]
}

resource poolMode 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'pgbouncer.pool_mode'
  properties: { value: 'transaction', source: 'user-override' }
  dependsOn: [ pgbouncer ]
}

resource poolSize 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'pgbouncer.default_pool_size'
  properties: { value: string(pgbouncerPoolSize), source: 'user-override' }
  dependsOn: [ poolMode ]
}

resource clientConnections 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'pgbouncer.max_client_conn'
  properties: { value: string(pgbouncerMaxClientConnections), source: 'user-override' }
  dependsOn: [ poolSize ]
}

resource logConnections 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'log_connections'
  properties: { value: 'on', source: 'user-override' }
  dependsOn: [ clientConnections ]
}

resource master 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: 'wellos_master'
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// The Function App has no fixed outbound address on Flex Consumption without a virtual
// network: the server admits Azure services only (0.0.0.0 is Azure's marker for them).
resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

output serverName string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output masterDatabase string = master.name
