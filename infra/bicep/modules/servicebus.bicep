// The Service Bus namespace and the queues of queues.json (Entra ID only: local auth disabled).
param name string
param location string
param sku string

var config = loadJsonContent('../queues.json')

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: 'sb-${name}'
  location: location
  sku: { name: sku, tier: sku }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [for queue in config.queues: {
  parent: namespace
  name: queue.name
  properties: {
    maxDeliveryCount: config.maxDeliveryCount
    lockDuration: queue.lockDuration
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: config.defaultMessageTimeToLive
    requiresDuplicateDetection: false
    requiresSession: false
    enablePartitioning: false
  }
}]

output namespaceId string = namespace.id
output namespaceName string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output queueNames array = [for (queue, i) in config.queues: queues[i].name]
