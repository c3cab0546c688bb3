"""Public Azure regions (ARM location names) that host Azure Machine Learning.

Used to catch typos such as ``westeurop`` before anything is sent to Azure.
"""

import difflib

AZURE_ML_REGIONS: frozenset[str] = frozenset(
    {
        "australiacentral", "australiaeast", "australiasoutheast", "brazilsouth", "canadacentral",
        "canadaeast", "centralindia", "centralus", "eastasia", "eastus", "eastus2", "francecentral",
        "germanywestcentral", "israelcentral", "italynorth", "japaneast", "japanwest", "koreacentral",
        "koreasouth", "mexicocentral", "northcentralus", "northeurope", "norwayeast", "polandcentral",
        "qatarcentral", "southafricanorth", "southcentralus", "southeastasia", "southindia",
        "spaincentral", "swedencentral", "switzerlandnorth", "switzerlandwest", "uaenorth", "uksouth",
        "ukwest", "westcentralus", "westeurope", "westus", "westus2", "westus3",
    }
)


def _folded(region: str) -> str:
    return region.lower().replace(" ", "").replace("-", "")


def intended_region(region: str) -> str | None:
    """The ARM location name ``region`` most likely means: itself, its display name folded
    ("West Europe"), or a close spelling ("westeurop"); None when nothing is close."""
    if region in AZURE_ML_REGIONS:
        return region
    if _folded(region) in AZURE_ML_REGIONS:
        return _folded(region)
    close = difflib.get_close_matches(_folded(region), sorted(AZURE_ML_REGIONS), n=1, cutoff=0.75)
    return close[0] if close else None


def unknown_region(region: str) -> str | None:
    """Why ``region`` is not an ARM location name of Azure ML, with the name the user likely meant."""
    if region in AZURE_ML_REGIONS:
        return None
    if _folded(region) in AZURE_ML_REGIONS:
        return f"'{region}' is not written as an ARM location name; write '{_folded(region)}'"
    meant = intended_region(region)
    hint = f" (did you mean '{meant}'?)" if meant else ""
    return (
        f"'{region}' is not an Azure region that hosts Azure Machine Learning{hint}; "
        "allowed: ARM location names such as westeurope, northeurope, eastus2"
    )
