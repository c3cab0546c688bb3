"""Public Azure regions (ARM location names) that host Azure Machine Learning.

Used to catch typos such as ``westeurop`` before anything is sent to Azure.
"""

AZURE_ML_REGIONS: frozenset[str] = frozenset(
    """
    australiacentral australiaeast australiasoutheast brazilsouth canadacentral canadaeast
    centralindia centralus eastasia eastus eastus2 francecentral germanywestcentral
    israelcentral italynorth japaneast japanwest koreacentral koreasouth mexicocentral
    northcentralus northeurope norwayeast polandcentral qatarcentral southafricanorth
    southcentralus southeastasia southindia spaincentral swedencentral switzerlandnorth
    switzerlandwest uaenorth uksouth ukwest westcentralus westeurope westus westus2 westus3
    """.split()
)
