// Preflight on Azure Container Apps: the HTTP service (`serve`, scaled on concurrent requests) and the upload-pipeline
// worker (`worker`, scaled by KEDA's azure-queue scaler on the request queue), plus everything they read and write:
// one storage account with the uploads, staged and rejected containers, the request/result/poison queues, and an
// Event Grid subscription that turns every BlobCreated in the uploads container into a request message.
// Step by step: deploy/README.md. Every Preflight__* name below is a key the app reads (tests/…/DeployManifestTests.cs).

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Prefix of every resource name (lower-case letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'preflight'

@description('The Dockerfile\'s image, pushed to a registry the environment can pull from, e.g. myregistry.azurecr.io/preflight:0.1.0.')
param image string

@description('Registry server of the image (empty: a public registry, no credentials).')
param registryServer string = ''

@description('Registry user name (empty when registryServer is empty).')
param registryUsername string = ''

@secure()
@description('Registry password (empty when registryServer is empty).')
param registryPassword string = ''

@description('Messages waiting per worker replica before KEDA adds one: per-replica throughput (docs/capacity.md) x seconds of backlog accepted.')
param workerQueueLength int = 60

@description('Upper bound of worker replicas (docs/capacity.md: instances for the stated peak, plus headroom).')
param workerMaxReplicas int = 10

@description('Upper bound of serve replicas.')
param serveMaxReplicas int = 10

@description('Concurrent HTTP requests per serve replica before another is added.')
param serveConcurrentRequests int = 40

// The app's defaults (README: Preflight:Worker:*, Preflight:Staging:*). A different name here would need the matching
// Preflight__… variable below; the deploy test fails when they disagree.
var uploadsContainer = 'preflight-uploads'
var stagedContainer = 'preflight-staged'
var rejectedContainer = 'preflight-rejected'
var cacheContainer = 'preflight-cache'
var requestQueue = 'preflight-requests'
var resultQueue = 'preflight-results'
var poisonQueue = 'preflight-requests-poison'
var httpPort = 8080

var storageName = toLower('${namePrefix}${uniqueString(resourceGroup().id)}')
var storageConnection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
var registries = empty(registryServer) ? [] : [
  {
    server: registryServer
    username: registryUsername
    passwordSecretRef: 'registry-password'
  }
]
var registrySecrets = empty(registryServer) ? [] : [
  {
    name: 'registry-password'
    value: registryPassword
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Staging's default access is `public`: blob-level anonymous read of the staged container only (never listing).
    allowBlobPublicAccess: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource uploads 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: uploadsContainer
  properties: {
    publicAccess: 'None'
  }
}

resource staged 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: stagedContainer
  properties: {
    publicAccess: 'Blob'
  }
}

resource rejected 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: rejectedContainer
  properties: {
    publicAccess: 'None'
  }
}

// The shared verdict cache (Preflight:Cache): one small JSON blob per verdict key; written by the apps on first use.
resource cache 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: cacheContainer
  properties: {
    publicAccess: 'None'
  }
}

// Verdicts older than Preflight:Cache:Ttl (30 days) are no longer used; the account deletes them a day later.
resource cacheExpiry 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-verdict-cache'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${cacheContainer}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 31
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    cache
  ]
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource requests 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: requestQueue
}

resource results 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: resultQueue
}

resource poison 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: poisonQueue
}

// BlobCreated in the uploads container only → a message on the request queue (the worker reads Event Grid events as they come).
resource storageEvents 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${namePrefix}-storage-events'
  location: location
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource uploadsToRequests 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: storageEvents
  name: 'uploads-to-preflight'
  properties: {
    destination: {
      endpointType: 'StorageQueue'
      properties: {
        resourceId: storage.id
        queueName: requestQueue
        queueMessageTimeToLiveInSeconds: 604800
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${uploadsContainer}/'
    }
    eventDeliverySchema: 'EventGridSchema'
  }
  dependsOn: [
    requests
    uploads
  ]
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource serve 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${namePrefix}-serve'
  location: location
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      ingress: {
        external: true
        targetPort: httpPort
        transport: 'http'
      }
      secrets: concat([
        {
          name: 'storage-connection'
          value: storageConnection
        }
      ], registrySecrets)
      registries: registries
    }
    template: {
      containers: [
        {
          name: 'serve'
          image: image
          args: [
            'serve'
            '--urls'
            'http://0.0.0.0:8080'
          ]
          env: [
            {
              name: 'Preflight__Staging__ConnectionString'
              secretRef: 'storage-connection'
            }
            {
              name: 'Preflight__Staging__Container'
              value: stagedContainer
            }
          ]
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: httpPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/healthz'
                port: httpPort
              }
              periodSeconds: 5
            }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: serveMaxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: string(serveConcurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
}

resource worker 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${namePrefix}-worker'
  location: location
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      secrets: concat([
        {
          name: 'storage-connection'
          value: storageConnection
        }
      ], registrySecrets)
      registries: registries
    }
    template: {
      // The worker finishes in-flight messages within shutdownTimeoutSeconds, then hands back the rest.
      terminationGracePeriodSeconds: 120
      containers: [
        {
          name: 'worker'
          image: image
          args: [
            'worker'
          ]
          env: [
            {
              name: 'Preflight__Worker__ConnectionString'
              secretRef: 'storage-connection'
            }
            {
              name: 'Preflight__Worker__RequestQueue'
              value: requestQueue
            }
            {
              name: 'Preflight__Worker__ResultQueue'
              value: resultQueue
            }
            {
              name: 'Preflight__Worker__RejectedContainer'
              value: rejectedContainer
            }
            {
              name: 'Preflight__Worker__Concurrency'
              value: '2'
            }
            {
              name: 'Preflight__Worker__AutoFix'
              value: 'false'
            }
            {
              name: 'Preflight__Staging__Container'
              value: stagedContainer
            }
            {
              name: 'shutdownTimeoutSeconds'
              value: '90'
            }
          ]
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
        }
      ]
      scale: {
        minReplicas: 0
        maxReplicas: workerMaxReplicas
        rules: [
          {
            name: 'request-queue'
            azureQueue: {
              queueName: requestQueue
              queueLength: workerQueueLength
              auth: [
                {
                  secretRef: 'storage-connection'
                  triggerParameter: 'connection'
                }
              ]
            }
          }
        ]
      }
    }
  }
}

output serveUrl string = 'https://${serve.properties.configuration.ingress.fqdn}'
output storageAccount string = storage.name
output uploadsContainer string = uploadsContainer
