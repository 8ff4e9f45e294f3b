"""The model contract's files under content/, named apart from their schemas (contract/model.py):
every command lists an edition's files, and most never read the contract."""

CONTRACT_FOLDER = "contract"
CONTRACT_FILE_NAMES = ("contract.yaml", "award-form.yaml", "core-terms.yaml", "schedules.yaml")
"""The keys of contract.model.CONTRACT_FILES (a test holds them equal)."""
