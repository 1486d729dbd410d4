// Alerts: a dead-lettered message on any queue, and failed function invocations.
param name string
param serviceBusId string
param queueNames array
param insightsId string
param alertEmail string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${name}'
  location: 'global'
  properties: {
    groupShortName: take('wellos${name}', 12)
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      { name: 'ops', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = [for queue in queueNames: {
  name: 'dead-letters-${queue}-${name}'
  location: 'global'
  properties: {
    description: 'Messages are waiting in the dead-letter queue of ${queue}: wellos queue dead-letters list --queue ${queue}'
    severity: 2
    enabled: true
    scopes: [ serviceBusId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricName: 'DeadletteredMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          dimensions: [ { name: 'EntityName', operator: 'Include', values: [ queue ] } ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [ { actionGroupId: actionGroup.id } ]
  }
}]

resource failures 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'function-failures-${name}'
  location: 'global'
  properties: {
    description: 'Function invocations or HTTP requests failed in the last 5 minutes'
    severity: 2
    enabled: true
    scopes: [ insightsId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'failed'
          metricName: 'requests/failed'
          metricNamespace: 'microsoft.insights/components'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Count'
        }
      ]
    }
    actions: [ { actionGroupId: actionGroup.id } ]
  }
}
