"""The WellOS stack: network, data, queues, storage, functions, HTTP API, office app, alarms."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack, Tags
from constructs import Construct

from wellos_cdk.api import HttpApi
from wellos_cdk.compute import Functions
from wellos_cdk.config import StackConfig
from wellos_cdk.data import Data
from wellos_cdk.messaging import Queues
from wellos_cdk.monitoring import Alarms
from wellos_cdk.nag import suppress
from wellos_cdk.network import Network
from wellos_cdk.storage import Storage
from wellos_cdk.web import Web


class WellOsStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, config: StackConfig, **kwargs: Any
    ) -> None:
        super().__init__(
            scope, construct_id, description=f"WellOS ({config.environment})", **kwargs
        )
        untaggable = ["AWS::RDS::DBProxyTargetGroup"]  # CloudFormation takes no tags there
        Tags.of(self).add("app", "wellos", exclude_resource_types=untaggable)
        Tags.of(self).add("environment", config.environment, exclude_resource_types=untaggable)
        self.network = Network(self, "Network", config)
        self.data = Data(self, "Data", config, self.network)
        self.queues = Queues(self, "Queues")
        self.storage = Storage(self, "Storage", config)
        self.functions = Functions(
            self, "Functions", config, self.network, self.data, self.queues, self.storage
        )
        self.api = HttpApi(self, "Api", config, self.functions.functions["Api"])
        # The office app needs the custom domains: its files and the API share each tenant's host.
        wildcard = self.api.domains.get("Wildcard")
        self.web = (
            Web(self, "Web", config, wildcard, self.storage.access_logs) if wildcard else None
        )
        self.alarms = Alarms(
            self, "Alarms", config, self.queues.dead_letters, self.functions.functions
        )
        suppress(self, config, self.storage.access_logs, self.web)
